//! A versioned rubric: the scorecard records the rubric that judged it, the diff between two
//! audits says when the rules changed in between, and a grade that moved with the rules is not
//! alerted as the founder's regression.

use crate::helpers::{Db, TestApp};
use crate::on_each_database;
use crate::sprints::{complete_as_failing, failing_scorecard};
use platform::entities::audit;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

/// Rewrites a stored audit's verdict (through the entity: SQLite stores ids as blobs).
async fn set_verdict(app: &TestApp, audit_id: &str, rubric: Option<i32>, grade: &str, score: i32) {
    let id: uuid::Uuid = audit_id.parse().unwrap();
    audit::Entity::update_many()
        .col_expr(audit::Column::RubricVersion, Expr::value(rubric))
        .col_expr(audit::Column::Grade, Expr::value(grade))
        .col_expr(audit::Column::Score, Expr::value(score))
        .filter(audit::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
}

on_each_database!(a_diff_across_rubric_versions_is_flagged_and_not_a_regression);

async fn a_diff_across_rubric_versions_is_flagged_and_not_a_regression(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.signed_up_client("founder@example.com").await;
    let (product_id, first) = failing_scorecard(&app, &client, "rubric.test").await;
    // The first audit was stored before rubrics were versioned (and graded better then).
    set_verdict(&app, &first, None, "A", 95).await;

    let second: Value = app.call(&client, "audits/request", &[("product_id", &product_id)]).await.json().await.unwrap();
    let second_id = second["id"].as_str().unwrap().to_owned();
    let completion = complete_as_failing(&app, &second_id, "rubric.test").await;
    assert!(completion.stored);
    // From A to D across rubrics: no regression alert, since the rules changed in between.
    assert_eq!(completion.regression, None);

    let detail: Value = app.call(&client, "audits/detail", &[("audit_id", &second_id)]).await.json().await.unwrap();
    assert_eq!(detail["summary"]["rubric_version"], domain::rubric::CURRENT, "{detail}");
    let change = &detail["diff"]["rubric"];
    assert_eq!((change["from"].as_u64(), change["to"].as_u64()), (Some(1), Some(u64::from(domain::rubric::CURRENT))), "{detail}");
    assert!(!change["changes"].as_array().unwrap().is_empty(), "the change says what changed: {change}");
    let first_detail: Value = app.call(&client, "audits/detail", &[("audit_id", &first)]).await.json().await.unwrap();
    assert_eq!(first_detail["summary"]["rubric_version"], 1, "an unversioned audit reads as rubric 1");

    // Two audits judged alike are compared without the flag; a worse grade between them
    // would be a regression as before.
    set_verdict(&app, &second_id, Some(domain::rubric::CURRENT as i32), "A", 95).await;
    let third: Value = app.call(&client, "audits/request", &[("product_id", &product_id)]).await.json().await.unwrap();
    let third_id = third["id"].as_str().unwrap().to_owned();
    let completion = complete_as_failing(&app, &third_id, "rubric.test").await;
    let regression = completion.regression.expect("A to D under one rubric is a regression");
    assert_eq!(regression.grade_now, Some(domain::scorecard::Grade::D));
    let detail: Value = app.call(&client, "audits/detail", &[("audit_id", &third_id)]).await.json().await.unwrap();
    assert_eq!(detail["diff"]["rubric"], Value::Null, "{detail}");
    app.stop().await;
}
