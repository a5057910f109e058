//! The portfolio's numbers against the rows below them: each product's decision, grade and
//! score trend from its finished audits, 7-day uptime from the daily rollups, open incidents
//! from the incidents table; the page's decision filter ("every client on Hold").

use crate::agency::agency;
use crate::helpers::TestApp;
use crate::on_both_databases;
use platform::entities::{audit, incident, membership, monitor_rollup, product, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

on_both_databases!(portfolio_numbers_match_the_rollups_audits_and_incidents);

async fn portfolio_numbers_match_the_rollups_audits_and_incidents(app: &TestApp) {
    let agency = agency(app, "owner@agency.example").await;
    let owner_id = user::Entity::find().filter(user::Column::Email.eq("owner@agency.example")).one(&app.db).await.unwrap().unwrap().id;
    let org_id = membership::Entity::find().filter(membership::Column::UserId.eq(owner_id)).one(&app.db).await.unwrap().unwrap().org_id;
    let seeded = testkit::portfolio::seed(&app.db, org_id, 3, 2).await;
    let portfolio: Value = app.call(&agency.owner, "portfolio/get", &[]).await.json().await.unwrap();
    // 3 seeded workspaces with 2 products each; A, B and the default one have none (a row each).
    assert_eq!((portfolio["workspaces"].as_u64(), portfolio["products"].as_u64()), (Some(6), Some(6)));
    let rows = portfolio["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 9);
    let today = chrono::Utc::now().date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
    for id in &seeded.products {
        let p = product::Entity::find_by_id(*id).one(&app.db).await.unwrap().unwrap();
        let row = rows.iter().find(|r| r["product"] == p.name.as_str()).unwrap_or_else(|| panic!("{} listed", p.name));
        // Uptime: the daily rollups of the last 7 days.
        let days = monitor_rollup::Entity::find()
            .filter(monitor_rollup::Column::ProductId.eq(*id))
            .filter(monitor_rollup::Column::BucketStart.gte(today - chrono::Duration::days(6)))
            .all(&app.db)
            .await
            .unwrap();
        let (checks, failures) = days.iter().fold((0i64, 0i64), |(c, f), r| (c + i64::from(r.checks), f + i64::from(r.failures)));
        let uptime = 100.0 * (checks - failures) as f64 / checks as f64;
        assert!((row["uptime_7d"].as_f64().unwrap() - uptime).abs() < 1e-9, "{}: uptime {} vs {uptime}", p.name, row["uptime_7d"]);
        // Decision, grade and trend: the finished audits, newest six.
        let audits = audit::Entity::find()
            .filter(audit::Column::ProductId.eq(*id))
            .order_by_desc(audit::Column::CreatedAt)
            .all(&app.db)
            .await
            .unwrap();
        let latest = &audits[0];
        assert_eq!(row["decision"], serde_json::to_value(latest.decision.as_ref().unwrap().0).unwrap(), "{}", p.name);
        assert_eq!(row["grade"], serde_json::to_value(latest.grade.as_ref().unwrap().0).unwrap());
        let trend: Vec<i64> = audits.iter().take(6).rev().map(|a| i64::from(a.score.unwrap())).collect();
        let shown: Vec<i64> = row["score_trend"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        assert_eq!(shown, trend, "{}", p.name);
        let open = incident::Entity::find()
            .filter(incident::Column::ProductId.eq(*id))
            .filter(incident::Column::ResolvedAt.is_null())
            .all(&app.db)
            .await
            .unwrap()
            .len();
        assert_eq!(row["open_incidents"].as_u64(), Some(open as u64), "{}", p.name);
    }
    // Hold first by default; the page's filter shows only the clients on Hold.
    assert_eq!(rows[0]["decision"], "hold");
    let holds: Vec<&str> = rows.iter().filter(|r| r["decision"] == "hold").map(|r| r["product"].as_str().unwrap()).collect();
    let goes: Vec<&str> = rows.iter().filter(|r| r["decision"] == "go").map(|r| r["product"].as_str().unwrap()).collect();
    assert!(!holds.is_empty() && !goes.is_empty());
    let html = agency.owner.get(app.url("/app/portfolio?decision=hold")).send().await.unwrap().text().await.unwrap();
    // (The rows also travel in the page's hydration data; the table is what a person sees.)
    for name in &holds {
        assert!(html.contains(&format!(">{name}</a>")), "{name} is on Hold and shown");
    }
    for name in &goes {
        assert!(!html.contains(&format!(">{name}</a>")), "{name} is Go and filtered out");
    }
}
