pub mod auth;
pub mod dashboard;
pub mod landing;
pub mod not_found;
pub mod outbox;
pub mod product;
pub mod product_form;
pub mod settings;
