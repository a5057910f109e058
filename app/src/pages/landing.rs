use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// One screen that says what the product does and for whom.
#[component]
pub fn LandingPage() -> impl IntoView {
    view! {
        <Title text="launchready — is your product safe to launch?"/>
        <section class="hero">
            <h1>"Is your product safe to launch?"</h1>
            <p class="lead">
                "launchready checks what your customers and attackers see from the outside — DNS, TLS, redirects, "
                "email authentication, security headers, exposed files and secrets, API boundaries, rate limits, "
                "prompt injection and latency — and gives you a scorecard with a clear decision: "
                <strong>"Go"</strong>", "<strong>"Go after fixes"</strong>" or "<strong>"Hold"</strong>"."
            </p>
            <p class="hero-actions">
                <A href="/signup" attr:class="button">"Sign up free"</A>
                <A href="/signin" attr:class="button button-secondary">"Sign in"</A>
            </p>
        </section>
        <section class="features" aria-label="What you get">
            <div class="feature">
                <h2>"A scorecard in a minute"</h2>
                <p>"Every finding shows what we saw, why it matters, how to fix it, and the points it costs. No hidden math."</p>
            </div>
            <div class="feature">
                <h2>"Watched after launch"</h2>
                <p>"Scheduled audits and uptime monitors per product, with alerts by email, Slack or signed webhook."</p>
            </div>
            <div class="feature">
                <h2>"Built for founders, agencies and CI"</h2>
                <p>"Client workspaces for agencies, and a command-line scanner that fails a build below a grade."</p>
            </div>
        </section>
    }
}
