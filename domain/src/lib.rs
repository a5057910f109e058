//! What the browser and the server both need: validated newtypes (parse, don't validate),
//! forms and the specs they parse into, views, plans and limits, the scorecard model and the
//! one `DomainError`. Pure: it compiles to WASM and has no `ssr` feature; the database, the
//! queue and the payment provider live in `platform`.

pub mod audit;
pub mod branding;
pub mod channel;
pub mod dashboard;
pub mod email;
pub mod error;
pub mod guard;
pub mod hostname;
pub mod monitor;
pub mod outbox;
pub mod password;
pub mod plans;
pub mod portfolio;
pub mod product;
pub mod report;
pub mod role;
pub mod rubric;
pub mod scorecard;
pub mod share;
pub mod sprint;
pub mod subscription;
pub mod team;
pub mod workspace;

pub use error::{DomainError, FieldError};
