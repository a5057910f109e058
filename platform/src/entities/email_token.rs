//! Row of `email_tokens`. Generated shape; behaviour lives in the service modules beside `entities`.
use crate::ids::UserId;
use crate::text_enum::{Text, TextEnum};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_tokens")]
pub struct Model {
    /// Keyed hash of the token sent by mail, hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: UserId,
    pub purpose: Text<Purpose>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What a mailed token is for; a token issued for one purpose never redeems another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl TextEnum for Purpose {
    fn as_text(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify",
            Self::ResetPassword => "reset",
        }
    }
    fn from_text(text: &str) -> Option<Self> {
        [Self::VerifyEmail, Self::ResetPassword].into_iter().find(|p| p.as_text() == text)
    }
}
