pub mod brand;
pub mod charts;
pub mod form;
pub mod layout;
pub mod session;
pub mod sprint_offer;
pub mod workspace;
