//! String enums as typed columns. The enums live in `domain` (the browser needs them), which
//! cannot know sea-orm; `Text<T>` is this crate's column type for any of them, stored as the
//! enum's text (`"http"`, `"down"`, `"queued"`), so an entity's `kind` is a `MonitorKind`, not
//! a string every reader parses. A value the enum does not know fails the row's read loudly
//! rather than turning into a default.

use domain::audit::{AuditStatus, AuditTrigger};
use domain::channel::DeliveryStatus;
use domain::monitor::{MonitorKind, MonitorState};
use domain::plans::{AuditSchedule, ChannelKind, Plan, PlanTable};
use domain::product::{Access, EndpointKind};
use domain::role::Role;
use domain::scorecard::{Category, Decision, Grade, Severity, Status};
use domain::share::{ShareKind, ShareMode};
use domain::sprint::BookingStatus;
use domain::team::Activity;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

/// An enum stored as text.
pub trait TextEnum: Sized + Copy + std::fmt::Debug + PartialEq + Eq + Send + Sync + 'static {
    fn as_text(self) -> &'static str;
    fn from_text(text: &str) -> Option<Self>;
}

/// A column holding a [`TextEnum`]; `.0` is the enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text<T>(pub T);

impl<T: TextEnum> From<Text<T>> for Value {
    fn from(value: Text<T>) -> Self {
        Value::String(Some(value.0.as_text().to_owned()))
    }
}

impl<T: TextEnum> Text<T> {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        self.0.as_text()
    }
}

/// Compares with the stored text (`row.status == "done"`).
impl<T: TextEnum> PartialEq<&str> for Text<T> {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_text() == *other
    }
}

impl<T: TextEnum> From<T> for Text<T> {
    fn from(value: T) -> Self {
        Text(value)
    }
}

impl<T: TextEnum> TryGetable for Text<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        T::from_text(&text)
            .map(Text)
            .ok_or_else(|| TryGetError::DbErr(DbErr::Type(format!("{text:?} is not a {}", std::any::type_name::<T>()))))
    }
}

impl<T: TextEnum> ValueType for Text<T> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        let text = <String as ValueType>::try_from(value)?;
        T::from_text(&text).map(Text).ok_or(ValueTypeErr)
    }
    fn type_name() -> String {
        std::any::type_name::<T>().to_owned()
    }
    fn array_type() -> ArrayType {
        ArrayType::String
    }
    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

/// Lets a text enum be part of a composite primary key (`monitor_rollups`); no text enum is
/// ever an auto-increment key, so a number never converts.
impl<T: TextEnum> sea_orm::TryFromU64 for Text<T> {
    fn try_from_u64(_: u64) -> Result<Self, DbErr> {
        Err(DbErr::ConvertFromU64(std::any::type_name::<T>()))
    }
}

impl<T: TextEnum> Nullable for Text<T> {
    fn null() -> Value {
        Value::String(None)
    }
}

macro_rules! text_enum {
    ($($ty:ty => $from:expr;)*) => {$(
        impl TextEnum for $ty {
            fn as_text(self) -> &'static str {
                self.as_str()
            }
            fn from_text(text: &str) -> Option<Self> {
                $from(text)
            }
        }
    )*};
}

text_enum! {
    MonitorKind => MonitorKind::parse;
    MonitorState => |t| one_of(&MonitorState::ALL, t);
    AuditTrigger => |t| one_of(&AuditTrigger::ALL, t);
    AuditStatus => |t| one_of(&AuditStatus::ALL, t);
    BookingStatus => |t| one_of(&BookingStatus::ALL, t);
    ChannelKind => ChannelKind::parse;
    Plan => |t| one_of(&PlanTable::ALL, t);
    AuditSchedule => AuditSchedule::parse;
    Access => Access::parse;
    EndpointKind => EndpointKind::parse;
    Role => |t| one_of(&Role::ALL, t);
    DeliveryStatus => |t| one_of(&DeliveryStatus::ALL, t);
    Grade => Grade::parse;
    Decision => |t| one_of(&Decision::ALL, t);
    Category => |t| one_of(&Category::ALL, t);
    Severity => |t| one_of(&Severity::ALL, t);
    Status => |t| one_of(&Status::ALL, t);
    ShareKind => ShareKind::parse;
    ShareMode => ShareMode::parse;
    Activity => Activity::parse;
}

/// The value of `all` whose text is `text`: for enums without a strict `parse` of their own
/// (`Plan::parse` reads an unknown name as Free, which suits a form but would hide a bad row).
fn one_of<T: TextEnum>(all: &[T], text: &str) -> Option<T> {
    all.iter().copied().find(|value| value.as_text() == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: TextEnum>(all: &[T]) {
        for &value in all {
            assert_eq!(T::from_text(value.as_text()), Some(value), "{value:?}");
        }
        assert_eq!(T::from_text("no-such-value"), None, "{}", std::any::type_name::<T>());
    }

    #[test]
    fn every_stored_enum_reads_back_what_it_wrote_and_rejects_the_unknown() {
        round_trips(&PlanTable::ALL);
        round_trips(&MonitorState::ALL);
        round_trips(&AuditTrigger::ALL);
        round_trips(&AuditStatus::ALL);
        round_trips(&BookingStatus::ALL);
        round_trips(&[MonitorKind::Http, MonitorKind::TlsExpiry, MonitorKind::Dns]);
        round_trips(&[AuditSchedule::Off, AuditSchedule::Weekly, AuditSchedule::Daily]);
        round_trips(&[Access::Public, Access::Authenticated, Access::Admin]);
        round_trips(&[EndpointKind::Login, EndpointKind::Chat, EndpointKind::Health, EndpointKind::Other]);
        round_trips(&Role::ALL);
        round_trips(&DeliveryStatus::ALL);
        round_trips(&[Grade::APlus, Grade::A, Grade::B, Grade::C, Grade::D, Grade::F]);
        round_trips(&Decision::ALL);
        round_trips(&Category::ALL);
        round_trips(&Severity::ALL);
        round_trips(&Status::ALL);
        round_trips(&[ChannelKind::Email, ChannelKind::Slack, ChannelKind::Webhook]);
        round_trips(&[ShareKind::Scorecard, ShareKind::Workspace]);
        round_trips(&[ShareMode::Snapshot, ShareMode::Latest]);
        round_trips(&Activity::ALL);
    }
}
