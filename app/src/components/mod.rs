pub mod charts;
pub mod form;
pub mod layout;
pub mod session;
