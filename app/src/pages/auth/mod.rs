//! Sign-up, sign-in, email verification and password reset.
pub mod reset;
pub mod sign_in;
pub mod sign_up;
pub mod verify;
