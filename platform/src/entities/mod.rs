//! sea-orm entities, one file per table. Kept as plain generated shapes: finders and state
//! changes live in the areas beside them (`accounts`, `products`, `audits`,
//! `monitors`, `alerts`, `billing`, `sprints`).
pub mod activity;
pub mod audit;
pub mod branding;
pub mod email_token;
pub mod finding;
pub mod incident;
pub mod invitation;
pub mod membership;
pub mod monitor;
pub mod monitor_result;
pub mod monitor_rollup;
pub mod notification;
pub mod notification_channel;
pub mod organization;
pub mod outbox_message;
pub mod plan_change;
pub mod product;
pub mod product_endpoint;
pub mod session;
pub mod share_link;
pub mod sprint_booking;
pub mod sprint_slot;
pub mod stripe_event;
pub mod user;
pub mod workspace;
pub mod workspace_grant;
