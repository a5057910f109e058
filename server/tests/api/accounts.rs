//! Sign-up, sign-in, sessions, verification, reset and throttling, through the same server
//! functions the browser calls.

use crate::helpers::{token_in, Db, TestApp, PASSWORD};
use crate::on_both_databases;
use platform::entities::{membership, organization, session, user, workspace};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

async fn viewer_email(app: &TestApp, client: &reqwest::Client) -> Option<String> {
    let response = app.call(client, "session/viewer", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    body.get("email").and_then(|e| e.as_str()).map(str::to_owned)
}

async fn user_by_email(app: &TestApp, email: &str) -> user::Model {
    user::Entity::find().filter(user::Column::Email.eq(email)).one(&app.db).await.unwrap().expect("user exists")
}

on_both_databases!(
    sign_up_creates_the_account_and_mails_the_link,
    sign_up_refuses_bad_input_and_duplicates,
    sign_in_rotates_the_session_and_sign_out_ends_it,
    sessions_expire_when_idle_and_at_their_absolute_end,
    password_change_revokes_every_session,
    verification_mail_is_sent_by_the_job_and_works_once,
    password_reset_by_mail_signs_out_everywhere,
    sign_in_is_throttled_per_account,
    private_pages_send_anonymous_visitors_to_sign_in,
);

async fn sign_up_creates_the_account_and_mails_the_link(app: &TestApp) {
    let client = app.new_client();
    let response = app.sign_up(&client, "Ada@Example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.session_cookie_value(&response).await, None, "sign-up signs nobody in");
    assert_eq!(viewer_email(app, &client).await, None);
    let mail = app.wait_for_mail("ada@example.com", "Confirm your email").await;
    assert!(mail.contains("/verify?token="), "{mail}");
    let signed_in = app.sign_in(&client, "ada@example.com", PASSWORD).await;
    let cookie = signed_in.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>().join("\n");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(viewer_email(app, &client).await.as_deref(), Some("ada@example.com"));

    let user = user_by_email(app, "ada@example.com").await;
    assert!(user.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "argon2id with OWASP parameters");
    let memberships = membership::Entity::find().filter(membership::Column::UserId.eq(user.id)).all(&app.db).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0].role, "owner");
    let org = organization::Entity::find_by_id(memberships[0].org_id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(org.plan, "free");
    let workspaces = workspace::Entity::find().filter(workspace::Column::OrgId.eq(org.id)).all(&app.db).await.unwrap();
    assert_eq!(workspaces.len(), 1);
    assert!(workspaces[0].is_default);
}

async fn sign_up_refuses_bad_input_and_duplicates(app: &TestApp) {
    let client = app.new_client();
    let response = app.sign_up(&client, "not-an-email", "short").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("email") && body.contains("password"), "names both fields: {body}");
    let response = app.sign_up(&client, "bob@example.com", "password123").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "common password refused");
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 0, "nothing was created");

    let new = app.sign_up(&client, "bob@example.com", PASSWORD).await;
    assert_eq!(new.status(), StatusCode::OK);
    let new_location = new.headers().get("location").cloned();
    let new_body = new.text().await.unwrap();
    // A taken address gets the same answer; its owner is told by mail instead.
    let again = app.sign_up(&app.new_client(), "BOB@example.com", "another good passphrase").await;
    assert_eq!(again.status(), StatusCode::OK, "the form does not reveal that the address has an account");
    assert_eq!(again.headers().get("location").cloned(), new_location);
    assert_eq!(again.text().await.unwrap(), new_body);
    app.wait_for_mail("bob@example.com", "You already have a launchready account").await;
    assert_eq!(organization::Entity::find().count(&app.db).await.unwrap(), 1, "the duplicate created no organisation");
    assert_eq!(
        app.sign_in(&app.new_client(), "bob@example.com", "another good passphrase").await.status(),
        StatusCode::UNAUTHORIZED,
        "nor changed the password"
    );
}

async fn sign_in_rotates_the_session_and_sign_out_ends_it(app: &TestApp) {
    let client = app.new_client();
    app.sign_up(&client, "cy@example.com", PASSWORD).await;
    let first = app.sign_in(&client, "cy@example.com", PASSWORD).await;
    let first_cookie = app.session_cookie_value(&first).await.expect("session cookie at the first sign-in");

    assert_eq!(app.sign_in(&client, "cy@example.com", "wrong password!").await.status(), StatusCode::UNAUTHORIZED);
    let second = app.sign_in(&client, "cy@example.com", PASSWORD).await;
    assert_eq!(second.status(), StatusCode::OK);
    let second_cookie = app.session_cookie_value(&second).await.expect("new session cookie at sign-in");
    assert_ne!(first_cookie, second_cookie, "sign-in issues a new session id");

    // The pre-sign-in session no longer works anywhere.
    let replay = app.new_client();
    let response =
        replay.post(app.url("/api/session/viewer")).header("cookie", format!("launchready_session={first_cookie}")).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "null");

    assert_eq!(app.call(&client, "auth/sign_out", &[]).await.status(), StatusCode::OK);
    assert_eq!(viewer_email(app, &client).await, None);
    let response =
        replay.post(app.url("/api/session/viewer")).header("cookie", format!("launchready_session={second_cookie}")).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "null", "a signed-out session cannot be replayed");
}

async fn sessions_expire_when_idle_and_at_their_absolute_end(app: &TestApp) {
    let client = app.signed_up_client("dee@example.com").await;
    let user = user_by_email(app, "dee@example.com").await;
    let row = session::Entity::find().filter(session::Column::UserId.eq(user.id)).one(&app.db).await.unwrap().unwrap();
    // Idle for 13 hours (the default idle timeout is 12).
    let mut idle: session::ActiveModel = row.clone().into();
    idle.last_seen_at = Set(chrono::Utc::now() - chrono::Duration::hours(13));
    idle.update(&app.db).await.unwrap();
    assert_eq!(viewer_email(app, &client).await, None, "idle session ended");
    assert_eq!(session::Entity::find().filter(session::Column::UserId.eq(user.id)).count(&app.db).await.unwrap(), 0, "and deleted");

    // Active, but past its absolute lifetime.
    assert_eq!(app.sign_in(&client, "dee@example.com", PASSWORD).await.status(), StatusCode::OK);
    let row = session::Entity::find().filter(session::Column::UserId.eq(user.id)).one(&app.db).await.unwrap().unwrap();
    let mut old: session::ActiveModel = row.into();
    old.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    old.update(&app.db).await.unwrap();
    assert_eq!(viewer_email(app, &client).await, None, "expired session ended");
}

async fn password_change_revokes_every_session(app: &TestApp) {
    let laptop = app.signed_up_client("eve@example.com").await;
    let phone = app.new_client();
    assert_eq!(app.sign_in(&phone, "eve@example.com", PASSWORD).await.status(), StatusCode::OK);

    let wrong = app
        .call(&laptop, "account/change_password", &[("current_password", "nope nope nope"), ("new_password", "a brand new passphrase")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("current_password"));

    let response =
        app.call(&laptop, "account/change_password", &[("current_password", PASSWORD), ("new_password", "a brand new passphrase")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(viewer_email(app, &phone).await, None, "the other device is signed out");
    assert_eq!(viewer_email(app, &laptop).await.as_deref(), Some("eve@example.com"), "this browser got a fresh session");
    assert_eq!(app.sign_in(&app.new_client(), "eve@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.sign_in(&app.new_client(), "eve@example.com", "a brand new passphrase").await.status(), StatusCode::OK);
}

async fn verification_mail_is_sent_by_the_job_and_works_once(app: &TestApp) {
    let client = app.signed_up_client("fay@example.com").await;
    let mail = app.wait_for_mail("fay@example.com", "Confirm your email").await;
    assert!(mail.contains(&format!("{}/verify?token=", app.base_url)), "{mail}");
    let token = token_in(&mail);

    let response = app.call(&client, "auth/verify_email", &[("token", "made-up-token")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = app.call(&client, "auth/verify_email", &[("token", &token)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(user_by_email(app, "fay@example.com").await.email_verified_at.is_some());
    let again = app.call(&client, "auth/verify_email", &[("token", &token)]).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "single use");

    // The job table never held the token itself.
    let jobs = crate::helpers::job_payloads(app).await;
    assert!(!jobs.is_empty() && jobs.iter().all(|j| !j.contains(&token)), "{jobs:?}");
}

async fn password_reset_by_mail_signs_out_everywhere(app: &TestApp) {
    let signed_in = app.signed_up_client("gus@example.com").await;
    let anonymous = app.new_client();
    // Unknown addresses get the same answer and no mail.
    let response = app.call(&anonymous, "auth/request_reset", &[("email", "nobody@example.com")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.call(&anonymous, "auth/request_reset", &[("email", "gus@example.com")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mail = app.wait_for_mail("gus@example.com", "Reset your launchready password").await;
    let token = token_in(&mail);

    let weak = app.call(&anonymous, "auth/reset_password", &[("token", &token), ("password", "short")]).await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY, "policy applies; token not spent");
    let response = app.call(&anonymous, "auth/reset_password", &[("token", &token), ("password", "reset passphrase 2026")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(viewer_email(app, &signed_in).await, None, "every session ended");
    let reuse = app.call(&anonymous, "auth/reset_password", &[("token", &token), ("password", "another passphrase")]).await;
    assert_eq!(reuse.status(), StatusCode::BAD_REQUEST, "single use");
    assert_eq!(app.sign_in(&anonymous, "gus@example.com", "reset passphrase 2026").await.status(), StatusCode::OK);
}

async fn sign_in_is_throttled_per_account(app: &TestApp) {
    app.sign_up(&app.new_client(), "hal@example.com", PASSWORD).await;
    let client = app.new_client();
    // The test configuration allows 10 attempts a minute per account from one client.
    for _ in 0..10 {
        assert_eq!(app.sign_in(&client, "hal@example.com", "wrong guess 123").await.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app.sign_in(&client, "hal@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
}

async fn private_pages_send_anonymous_visitors_to_sign_in(app: &TestApp) {
    let response = app.new_client().get(app.url("/app")).send().await.unwrap();
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()["location"], "/signin");
}

#[tokio::test]
async fn sign_up_is_throttled_per_ip() {
    let app = TestApp::spawn_with(Db::Sqlite, &[("throttle.sign_up_per_ip_per_hour", "2")]).await;
    for n in 0..2 {
        let response = app.sign_up(&app.new_client(), &format!("u{n}@example.com"), PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = app.sign_up(&app.new_client(), "u3@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 2);
    app.stop().await;
}
