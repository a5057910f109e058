//! Small pieces every form uses: a labelled field with its error, and the error banner.

use crate::error::AppError;
use leptos::prelude::*;

/// The billing page, where a plan limit is lifted.
pub const UPGRADE_PATH: &str = "/app/billing";

/// The latest result of a server action, as the form helpers read it.
pub type ActionResult<T> = Option<Result<T, AppError>>;

/// The error banner at the top of a form, announced to screen readers.
#[component]
pub fn FormError<T: Clone + Send + Sync + 'static>(result: Signal<ActionResult<T>>) -> impl IntoView {
    move || {
        result.get().and_then(|r| r.err()).map(|err| {
            let upgrade = matches!(err, AppError::PlanLimit(_)).then(|| view! { " " <a href=UPGRADE_PATH>"See plans and upgrade"</a> });
            view! { <p class="form-error" role="alert">{err.banner()}{upgrade}</p> }
        })
    }
}

/// The message for one field, shown under it and tied to it with `aria-describedby`.
#[component]
pub fn FieldError<T: Clone + Send + Sync + 'static>(result: Signal<ActionResult<T>>, name: &'static str) -> impl IntoView {
    move || {
        result.get().and_then(|r| r.err()).and_then(|err| err.field(name)).map(|message| {
            view! { <p class="field-error" id=format!("{name}-error")>{message}</p> }
        })
    }
}

/// A labelled text input with its error message.
#[component]
pub fn TextField<T: Clone + Send + Sync + 'static>(
    result: Signal<ActionResult<T>>,
    name: &'static str,
    label: &'static str,
    /// The argument of the server function whose struct this field belongs to: the input is
    /// then named `group[name]` (errors still name the field `name`).
    #[prop(optional)]
    group: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let invalid = move || result.get().and_then(|r| r.err()).and_then(|e| e.field(name)).is_some();
    let input_name = if group.is_empty() { name.to_owned() } else { format!("{group}[{name}]") };
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <input
                id=name
                name=input_name
                type=kind
                value=value
                required=required
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=format!("{name}-hint {name}-error")
            />
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{name}-hint")>{hint}</p> })}
            <FieldError result name/>
        </div>
    }
}
