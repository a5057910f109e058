//! Share links and white-label branding: a link opens without signing in until it expires or
//! is revoked; a changed character is refused; the page is `noindex` and carries no internal
//! id, email address or monitor target; snapshot links keep what they showed and latest links
//! follow; plans without share links refuse them; the agency's branding replaces ours on the
//! page only on the Agency plan; logos are checked by their bytes.

use crate::agency::{agency, set_plan};
use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::products::acme;
use crate::roles::{multipart_logo, PIXEL_PNG};
use platform::entities::share_link;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::Value;

on_both_databases!(share_links_open_until_revoked_or_expired_and_leak_nothing, branding_is_checked_and_shown_only_on_the_agency_plan);

async fn share_links_open_until_revoked_or_expired_and_leak_nothing(app: &TestApp) {
    let agency = agency(app, "owner@agency.example").await;
    let (owner, a) = (&agency.owner, &agency.a);
    let mut body = acme();
    body["name"] = "Acme shop".into();
    let product: Value = owner
        .post(app.url("/api/v1/products"))
        .header("x-launchready-workspace", &a.slug)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let product = product["id"].as_str().unwrap().to_owned();
    let audit: Value = owner
        .post(app.url(&format!("/api/v1/products/{product}/audits")))
        .header("x-launchready-workspace", &a.slug)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let audit = audit["id"].as_str().unwrap().to_owned();
    // An unfinished audit cannot be shared.
    let early = app
        .call_in(
            owner,
            &a.slug,
            "shares/create_scorecard",
            &[("audit_id", &audit), ("form[expires_in_days]", "7"), ("form[mode]", "snapshot")],
        )
        .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    crate::sprints::complete_as_failing(app, &audit, "acme.example").await;
    let bad = app
        .call_in(
            owner,
            &a.slug,
            "shares/create_scorecard",
            &[("audit_id", &audit), ("form[expires_in_days]", "2"), ("form[mode]", "forever")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text().await.unwrap();
    assert!(text.contains("expires_in_days") && text.contains("mode"), "{text}");

    let made: Value = app
        .call_in(
            owner,
            &a.slug,
            "shares/create_scorecard",
            &[("audit_id", &audit), ("form[label]", "For the board"), ("form[expires_in_days]", "7"), ("form[mode]", "snapshot")],
        )
        .await
        .json()
        .await
        .unwrap();
    let url = made["url"].as_str().expect("the link").to_owned();
    let path = url.strip_prefix(&app.base_url).expect("our origin").to_owned();
    let visitor = app.new_client();
    let page = visitor.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers().get("x-robots-tag").is_some_and(|v| v.to_str().unwrap().contains("noindex")), "X-Robots-Tag");
    let html = page.text().await.unwrap();
    assert!(html.contains("noindex") && html.contains("Acme shop") && html.contains("Hold"), "the scorecard is shown");
    assert!(html.contains("launchready"), "our branding without white-label");
    // Nothing internal: no row ids, no addresses, no monitor target.
    for secret in [product.as_str(), audit.as_str(), a.id.as_str(), a.slug.as_str(), "owner@agency.example", "/health"] {
        assert!(!html.contains(secret), "the share page leaks {secret}");
    }
    // Tampered: one character of the signature changed.
    let mut tampered = path.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(visitor.get(app.url(&tampered)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(visitor.get(app.url("/s/nonsense")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // Views are counted.
    let list: Vec<Value> = app.call_in(owner, &a.slug, "shares/list", &[]).await.json().await.unwrap();
    assert_eq!((list.len(), list[0]["views"].as_u64(), list[0]["label"].as_str()), (1, Some(1), Some("For the board")));

    // Expired: gone.
    let id = made["id"].as_str().unwrap().to_owned();
    let row = share_link::Entity::find_by_id(platform::ids::ShareLinkId::from(id.parse::<uuid::Uuid>().unwrap()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut expired: share_link::ActiveModel = row.clone().into();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    expired.update(&app.db).await.unwrap();
    assert_eq!(visitor.get(app.url(&path)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "expired");
    let mut back: share_link::ActiveModel = row.into();
    back.expires_at = Set(chrono::Utc::now() + chrono::Duration::days(1));
    back.update(&app.db).await.unwrap();
    assert_eq!(visitor.get(app.url(&path)).send().await.unwrap().status(), StatusCode::OK);
    // Revoked: gone for good.
    assert_eq!(app.call_in(owner, &a.slug, "shares/revoke", &[("id", &id)]).await.status(), StatusCode::OK);
    assert_eq!(visitor.get(app.url(&path)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "revoked");

    // A workspace summary that follows the latest state.
    let summary: Value = app
        .call_in(owner, &a.slug, "shares/create_workspace", &[("form[expires_in_days]", "1"), ("form[mode]", "latest")])
        .await
        .json()
        .await
        .unwrap();
    let summary_path = summary["url"].as_str().unwrap().strip_prefix(&app.base_url).unwrap().to_owned();
    let html = visitor.get(app.url(&summary_path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Client A") && html.contains("Acme shop"), "the summary names the workspace and its product");
    assert!(!html.contains(&product), "no product id");

    // The activity log has both.
    let log: Vec<Value> = app.call(owner, "activity/list", &[]).await.json().await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"share_link.created") && actions.contains(&"share_link.revoked"), "{actions:?}");

    // A plan without share links: refused, and existing links stop opening.
    set_plan(app, "free").await;
    let refused = app.call_in(owner, &a.slug, "shares/create_workspace", &[("form[expires_in_days]", "1"), ("form[mode]", "latest")]).await;
    assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED);
    assert_eq!(visitor.get(app.url(&summary_path)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // The share token never reached the logs.
    let token = summary_path.trim_start_matches("/s/");
    assert!(!crate::helpers::captured_logs().contains(token), "a share token reached the logs");
}

async fn branding_is_checked_and_shown_only_on_the_agency_plan(app: &TestApp) {
    let agency = agency(app, "owner@agency.example").await;
    let (owner, a) = (&agency.owner, &agency.a);
    let light =
        app.call(owner, "branding/save", &[("form[name]", "Example Agency"), ("form[accent]", "#ffff00"), ("form[footer]", "")]).await;
    assert_eq!(light.status(), StatusCode::UNPROCESSABLE_ENTITY, "a yellow accent fails 4.5:1 with white");
    let saved = app
        .call(
            owner,
            "branding/save",
            &[("form[name]", "Example Agency"), ("form[accent]", "#0B5394"), ("form[footer]", "Prepared by Example Agency")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    // Logos: a PNG is taken; text pretending to be one, and SVG, are not.
    let upload = |bytes: Vec<u8>| async move {
        let (content_type, body) = multipart_logo(&bytes);
        owner.post(app.url("/app/branding/logo")).header("content-type", content_type).body(body).send().await.unwrap()
    };
    let svg = upload(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec()).await;
    assert_eq!(svg.status(), StatusCode::SEE_OTHER);
    assert!(svg.headers()["location"].to_str().unwrap().contains("logo_error"), "SVG is refused");
    let ok = upload(PIXEL_PNG.to_vec()).await;
    assert_eq!(ok.headers()["location"].to_str().unwrap(), "/app/branding?logo=saved");
    let view: Value = app.call(owner, "branding/get", &[]).await.json().await.unwrap();
    let logo = view["logo_url"].as_str().expect("logo url").to_owned();
    let served = app.new_client().get(app.url(&logo)).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(served.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(served.bytes().await.unwrap().as_ref(), PIXEL_PNG);
    let too_big = upload(vec![0u8; 300 * 1024]).await;
    assert!(too_big.status() == StatusCode::PAYLOAD_TOO_LARGE || too_big.headers()["location"].to_str().unwrap().contains("logo_error"));
    let css = app.new_client().get(app.url("/brand/accent/0b5394.css")).send().await.unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.text().await.unwrap().contains("#0b5394"));
    assert_eq!(app.new_client().get(app.url("/brand/accent/ffff00.css")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // The share page carries the brand and none of ours; off the Agency plan, ours again.
    let made: Value = app
        .call_in(owner, &a.slug, "shares/create_workspace", &[("form[expires_in_days]", "7"), ("form[mode]", "latest")])
        .await
        .json()
        .await
        .unwrap();
    let path = made["url"].as_str().unwrap().strip_prefix(&app.base_url).unwrap().to_owned();
    let html = app.new_client().get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Example Agency") && html.contains("Prepared by Example Agency") && html.contains(&logo), "branded");
    assert!(html.contains("/brand/accent/0b5394.css"), "the accent stylesheet");
    assert!(!html.to_lowercase().contains(">launchready<") && !html.contains("by launchready"), "no launchready branding");
    set_plan(app, "pro").await;
    let html = app.new_client().get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("Example Agency") && html.contains("launchready"), "white-label needs the Agency plan");
    let refused = app.call(owner, "branding/save", &[("form[name]", "X"), ("form[accent]", ""), ("form[footer]", "")]).await;
    assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED);
}
