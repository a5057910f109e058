//! Published reference data the checks judge against, shipped in `engine/data/` with the date
//! it was taken and the command that refreshes it (`make edge-data`): the address ranges of
//! the big CDNs and Chromium's HSTS preload list. Each file names its source and `as-of` date;
//! `tests::the_shipped_data_is_fresh` fails once a file is older than [`MAX_AGE_DAYS`].

pub mod edge_ranges;
pub mod hsts_preload;

/// How old shipped data may grow before the freshness test asks for a refresh.
pub const MAX_AGE_DAYS: i64 = 730;

/// The `# as-of: YYYY-MM-DD` line of a data file.
pub(crate) fn as_of(text: &str) -> Option<chrono::NaiveDate> {
    text.lines()
        .take_while(|line| line.starts_with('#'))
        .find_map(|line| line.strip_prefix("# as-of:"))
        .and_then(|date| chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok())
}

/// The lines of a data file that are data (not comments, not blank).
pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names every file with its date, so a failure says exactly what to refresh.
    #[test]
    fn the_shipped_data_is_fresh() {
        let today = chrono::Utc::now().date_naive();
        let mut files: Vec<(&str, &str)> = edge_ranges::SHIPPED.iter().map(|(name, text)| (*name, *text)).collect();
        files.push(("hsts_preload.txt", hsts_preload::SHIPPED));
        for (name, text) in files {
            let date = as_of(text).unwrap_or_else(|| panic!("engine/data/{name} has no `# as-of: YYYY-MM-DD` line"));
            let age = (today - date).num_days();
            println!("engine/data/{name}: as of {date} ({age} days old)");
            assert!(
                age <= MAX_AGE_DAYS,
                "engine/data/{name} is from {date}, {age} days ago (more than {MAX_AGE_DAYS}): run `make edge-data` to refresh it"
            );
            assert!(age >= 0, "engine/data/{name} claims a date in the future: {date}");
        }
    }
}
