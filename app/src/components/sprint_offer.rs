//! The offer of a Launch Ready sprint, shown under a scorecard that is not ready to launch.

use crate::components::workspace::ws_href;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// The call to action on a failing scorecard.
#[component]
pub fn SprintOffer(product_id: Uuid, audit_id: Uuid) -> impl IntoView {
    let href = ws_href(&format!("/products/{product_id}/audits/{audit_id}/book"));
    view! {
        <crate::components::workspace::IfCan capability=domain::role::Capability::Edit>
        <section class="card sprint-offer" aria-labelledby="sprint-title">
            <h2 id="sprint-title">"Not ready yet? We can fix it with you."</h2>
            <p>"In a Launch Ready sprint our engineers work through this scorecard with your team until the launch decision is Go. You choose whether to share the scorecard with us."</p>
            <A href=href.clone() attr:class="button">"Book a Launch Ready sprint"</A>
        </section>
        </crate::components::workspace::IfCan>
    }
}
