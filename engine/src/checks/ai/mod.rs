//! The ai checks: whether the declared chat endpoint can be talked into leaking its system
//! prompt. The owner plants a canary (a unique string) in the system prompt; the probe sends
//! a fixed set of injection prompts and fails as soon as the canary comes back in any form.
//!
//! Request shape: every prompt is sent as `POST <chat endpoint>` with
//! `Content-Type: application/json` and the body `{"message": "<prompt>"}`, with the declared
//! credential when the endpoint is not public. The CLI cannot yet declare another body shape
//! (`{"messages": [...]}`, `{"input": ...}`), so an endpoint that expects one answers 4xx to
//! every prompt and the check reports `error`, saying so.

mod prompt_injection;

use crate::registry::Registry;

pub(super) fn register(r: &mut Registry) {
    r.add("ai.prompt_injection", |cx| Box::pin(prompt_injection::check(cx)));
}
