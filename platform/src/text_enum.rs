//! String enums as typed columns. The enums live in `domain` (the browser needs them), which
//! cannot know sea-orm; `Text<T>` is this crate's column type for any of them, stored as the
//! enum's text (`"http"`, `"down"`, `"queued"`), so an entity's `kind` is a `MonitorKind`, not
//! a string every reader parses. A value the enum does not know fails the row's read loudly
//! rather than turning into a default.

use domain::audit::{AuditStatus, AuditTrigger};
use domain::monitor::{MonitorKind, MonitorState};
use domain::plans::ChannelKind;
use domain::sprint::BookingStatus;
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
    MonitorState => |t| Some(MonitorState::parse(t));
    AuditTrigger => |t| Some(AuditTrigger::parse(t));
    AuditStatus => |t| Some(AuditStatus::parse(t));
    BookingStatus => |t| Some(BookingStatus::parse(t));
    ChannelKind => ChannelKind::parse;
}
