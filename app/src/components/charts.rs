//! Inline SVG charts (no script, no external asset): the audit score trend and daily uptime
//! bars. Sizes come from the `viewBox`, so CSS decides how large they are; colours come from
//! classes in main.css, so both colour schemes work. Every mark carries a `<title>` and the
//! chart an `aria-label`, so nothing is told by colour alone.

use chrono::{DateTime, Utc};
use domain::dashboard::{uptime_over, DayUptime};
use leptos::prelude::*;

pub use domain::dashboard::percent;

/// A point in time as the pages show it (always UTC: the server and the browser agree).
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A day as the charts name it.
pub fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// A length of time in the two largest units: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{secs} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

const TREND_W: f64 = 300.0;
const TREND_PAD: f64 = 8.0;

/// Audit scores (0–100) over time, oldest first, as a line with a dot per audit. `compact`
/// draws a flatter sparkline (dashboard cards).
#[component]
pub fn ScoreTrend(points: Vec<(DateTime<Utc>, u32)>, #[prop(optional)] compact: bool) -> impl IntoView {
    if points.is_empty() {
        return view! { <p class="muted chart-empty">"No scores yet."</p> }.into_any();
    }
    let height = if compact { 60.0 } else { 100.0 };
    let n = points.len();
    let x = move |i: usize| if n == 1 { TREND_W / 2.0 } else { TREND_PAD + (TREND_W - 2.0 * TREND_PAD) * i as f64 / (n - 1) as f64 };
    let y = move |score: u32| TREND_PAD + (height - 2.0 * TREND_PAD) * (100.0 - f64::from(score.min(100))) / 100.0;
    let line: String = points.iter().enumerate().map(|(i, (_, s))| format!("{:.1},{:.1}", x(i), y(*s))).collect::<Vec<_>>().join(" ");
    let first = points[0].1;
    let last = points[n - 1].1;
    let label = if n == 1 {
        format!("Score trend: one audit, score {last} of 100")
    } else {
        format!("Score trend over the last {n} audits: from {first} to {last} of 100")
    };
    let grid = [0u32, 50, 100]
        .into_iter()
        .map(|g| {
            let gy = format!("{:.1}", y(g));
            view! { <line class="chart-grid" x1="0" x2=TREND_W.to_string() y1=gy.clone() y2=gy/> }
        })
        .collect_view();
    let radius = if compact { "3" } else { "4" };
    let dots = points
        .iter()
        .enumerate()
        .map(|(i, (at, score))| {
            let title = format!("{}: {score}", day(*at));
            view! {
                <circle class="trend-dot" cx=format!("{:.1}", x(i)) cy=format!("{:.1}", y(*score)) r=radius>
                    <title>{title}</title>
                </circle>
            }
        })
        .collect_view();
    let aria = label.clone();
    let class = if compact { "chart chart-trend chart-compact" } else { "chart chart-trend" };
    view! {
        <svg class=class viewBox=format!("0 0 {TREND_W} {height}") role="img" aria-label=aria>
            <title>{label}</title>
            {grid}
            <polyline class="trend-line" fill="none" points=line/>
            {dots}
        </svg>
    }
    .into_any()
}

/// The class of one day's bar: the colour is a cue; the title says the number.
fn bar_class(day: &DayUptime) -> &'static str {
    match day.uptime_pct() {
        None => "bar bar-none",
        Some(p) if p >= 99.9 => "bar bar-good",
        Some(p) if p >= 99.0 => "bar bar-warn",
        Some(_) => "bar bar-bad",
    }
}

/// One bar per day, oldest first, coloured by uptime (grey for days without checks).
#[component]
pub fn UptimeBars(days: Vec<DayUptime>) -> impl IntoView {
    let n = days.len().max(1);
    // Each day gets a 10-unit slot with a 2-unit gap; the height is free (no round marks).
    let width = n * 10;
    let with_data = days.iter().filter(|d| d.checks > 0).count();
    let worst = days.iter().filter_map(|d| d.uptime_pct().map(|p| (p, d.day))).min_by(|a, b| a.0.total_cmp(&b.0));
    let label = match (uptime_over(&days), worst) {
        (Some(total), Some((low, low_day))) => format!(
            "Daily uptime over the last {} days: {} overall; lowest {} on {}; {} of {} days with checks",
            days.len(),
            percent(total),
            percent(low),
            day(low_day),
            with_data,
            days.len()
        ),
        _ => format!("Daily uptime over the last {} days: no checks yet", days.len()),
    };
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let title = match d.uptime_pct() {
                Some(p) => format!("{}: {} ({} checks)", day(d.day), percent(p), d.checks),
                None => format!("{}: no data", day(d.day)),
            };
            view! {
                <rect class=bar_class(d) x=(i * 10 + 1).to_string() y="0" width="8" height="40" rx="1.5">
                    <title>{title}</title>
                </rect>
            }
        })
        .collect_view();
    let aria = label.clone();
    view! {
        <svg class="chart chart-uptime" viewBox=format!("0 0 {width} 40") preserveAspectRatio="none" role="img" aria-label=aria>
            <title>{label}</title>
            {bars}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_percentages_and_durations() {
        assert_eq!(percent(100.0), "100%");
        assert_eq!(percent(99.8), "99.8%");
        assert_eq!(percent(99.999), "99.99%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(12 * 60 + 5), "12 min");
        assert_eq!(duration(3 * 3600 + 5 * 60), "3 h 5 min");
        assert_eq!(duration(2 * 86_400 + 4 * 3600 + 60), "2 d 4 h");
    }
}
