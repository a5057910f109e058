//! One type per kind of row id, so a monitor's id cannot be passed where a product's is
//! expected. They are the entities' column types; the views the browser gets (in `domain`)
//! carry plain `Uuid`s, converted where a view is built.
//!
//! `From<Uuid>` is deliberate: an id that arrives from outside (a path, a form) is only a
//! claim, and every query that takes one is scoped to the caller's tenant, which is what
//! makes the claim safe, not the type.

use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, sea_orm::DeriveValueType)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random id for a new row.
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Ids are made here, never by the database, so a number cannot become one.
        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(n: u64) -> Result<Self, sea_orm::DbErr> {
                <Uuid as sea_orm::TryFromU64>::try_from_u64(n).map(Self)
            }
        }
    )*};
}

id_type! {
    /// An organisation: the tenant, which owns every other row.
    OrgId;
    /// A workspace of an organisation (an agency's client, or the default one).
    WorkspaceId;
    UserId;
    MembershipId;
    ProductId;
    EndpointId;
    AuditId;
    FindingId;
    MonitorId;
    MonitorResultId;
    IncidentId;
    ChannelId;
    NotificationId;
    PlanChangeId;
    SlotId;
    BookingId;
    OutboxMessageId;
    GrantId;
    InvitationId;
    ActivityId;
    ShareLinkId;
}

/// A fresh id of whatever kind the column wants (`id: Set(new_id())`).
pub(crate) fn new_id<T: From<Uuid>>() -> T {
    T::from(Uuid::new_v4())
}
