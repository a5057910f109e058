//! sea-orm entities, one file per table. Kept as plain generated shapes: finders and state
//! changes live in `accounts`, `sessions`, `products` and `tokens`.
pub mod email_token;
pub mod membership;
pub mod organization;
pub mod outbox_message;
pub mod product;
pub mod product_endpoint;
pub mod session;
pub mod user;
pub mod workspace;
