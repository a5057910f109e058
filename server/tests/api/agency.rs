//! Agencies: workspaces (plan limit, scoping, rename, archive), invitations (single use,
//! expiry, revocation, the invited address only, resend replaces the link), removal ending
//! sessions, the member limit under concurrent invitations, and the activity log.

use crate::helpers::{token_in, TestApp, PASSWORD};
use crate::on_both_databases;
use platform::entities::{invitation, membership, session, workspace};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::Value;

/// A workspace as the tests address it: its id (forms) and its URL key (pages, the header).
#[derive(Clone, Debug)]
pub struct Ws {
    pub id: String,
    pub slug: String,
}

/// An agency owner (confirmed, on the Agency plan) with two client workspaces.
pub struct Agency {
    pub owner: reqwest::Client,
    pub a: Ws,
    pub b: Ws,
}

pub async fn set_plan(app: &TestApp, plan: &str) {
    app.db.execute_unprepared(&format!("UPDATE organizations SET plan = '{plan}'")).await.unwrap();
}

pub async fn agency(app: &TestApp, owner_email: &str) -> Agency {
    let owner = app.confirmed_client(owner_email).await;
    set_plan(app, "agency").await;
    let a = create_workspace(app, &owner, "Client A").await;
    let b = create_workspace(app, &owner, "Client B").await;
    Agency { owner, a, b }
}

pub async fn create_workspace(app: &TestApp, client: &reqwest::Client, name: &str) -> Ws {
    let response = app.call(client, "workspaces/create", &[("name", name)]).await;
    assert_eq!(response.status(), StatusCode::OK, "create workspace {name}");
    let created: Value = response.json().await.unwrap();
    Ws { id: created["id"].as_str().unwrap().to_owned(), slug: created["slug"].as_str().unwrap().to_owned() }
}

/// Invites `email` as `role` (for a client, to `workspaces`); the raw answer.
pub async fn invite(app: &TestApp, inviter: &reqwest::Client, email: &str, role: &str, workspaces: &[&Ws]) -> reqwest::Response {
    let keys: Vec<String> = (0..workspaces.len()).map(|i| format!("form[workspaces][{i}]")).collect();
    let mut form: Vec<(&str, &str)> = vec![("email", email), ("role", role)];
    for (key, ws) in keys.iter().zip(workspaces) {
        form.push((key.as_str(), ws.id.as_str()));
    }
    app.call(inviter, "team/invite", &form).await
}

/// The token of the newest invitation mail to `email`.
pub async fn invitation_token(app: &TestApp, email: &str) -> String {
    token_in(&app.wait_for_mail(email, "Invitation to").await)
}

/// Signs up from an invitation link in a fresh browser, which is then signed in.
pub async fn join(app: &TestApp, token: &str) -> reqwest::Client {
    let client = app.new_client();
    let response = app.call(&client, "invitations/sign_up", &[("token", token), ("password", PASSWORD)]).await;
    assert!(response.status().is_success() || response.status().is_redirection(), "join: {}", response.status());
    client
}

/// Invites and joins: the new person's browser.
pub async fn invited(app: &TestApp, inviter: &reqwest::Client, email: &str, role: &str, workspaces: &[&Ws]) -> reqwest::Client {
    let response = invite(app, inviter, email, role, workspaces).await;
    assert_eq!(response.status(), StatusCode::OK, "invite {email}: {}", response.text().await.unwrap_or_default());
    let token = invitation_token(app, email).await;
    join(app, &token).await
}

pub async fn user_id(app: &TestApp, email: &str) -> String {
    let user = platform::entities::user::Entity::find()
        .filter(platform::entities::user::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .expect("user exists");
    user.id.to_string()
}

on_both_databases!(
    workspaces_follow_the_plan_and_keep_their_rows_apart,
    invitation_links_work_once_for_one_address_until_revoked_or_expired,
    removing_someone_ends_their_sessions_at_once,
    concurrent_invitations_cannot_pass_the_member_limit,
);

async fn workspaces_follow_the_plan_and_keep_their_rows_apart(app: &TestApp) {
    let owner = app.confirmed_client("founder@example.com").await;
    // Free and Pro have one workspace: a second is refused with the upgrade link.
    let refused = app.call(&owner, "workspaces/create", &[("name", "Client A")]).await;
    assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED);
    assert_eq!(workspace::Entity::find().count(&app.db).await.unwrap(), 1, "nothing was created");
    set_plan(app, "agency").await;
    let blank = app.call(&owner, "workspaces/create", &[("name", "   ")]).await;
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.text().await.unwrap().contains("name"), "the error names the field");
    let a = create_workspace(app, &owner, "Client A").await;
    let twin = app.call(&owner, "workspaces/create", &[("name", "client a")]).await;
    assert_eq!(twin.status(), StatusCode::CONFLICT, "names are unique in an organisation");

    // A product made in A lives in A: the home workspace does not list it.
    let product = app.call_in(&owner, &a.slug, "products/create", &[("name", "Acme"), ("apex_domain", "acme.example")]).await;
    assert!(product.status().is_success() || product.status().is_redirection(), "{}", product.status());
    let id: String = product.json().await.unwrap();
    let home: Vec<Value> = owner.get(app.url("/api/v1/products")).send().await.unwrap().json().await.unwrap();
    assert!(home.is_empty(), "the home workspace has no product");
    let in_a: Vec<Value> =
        owner.get(app.url("/api/v1/products")).header("x-launchready-workspace", &a.slug).send().await.unwrap().json().await.unwrap();
    assert_eq!(in_a.len(), 1);
    assert_eq!(owner.get(app.url(&format!("/app/products/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let page = owner.get(app.url(&format!("/app/w/{}/products/{id}", a.slug))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the workspace's URL shows it");
    assert!(page.text().await.unwrap().contains("Acme"));
    assert_eq!(owner.get(app.url("/app/w/no-such-key")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Rename keeps the key; archive stops changes until restore.
    let renamed = app.call(&owner, "workspaces/rename", &[("id", &a.id), ("name", "Acme Inc.")]).await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!((renamed["name"].as_str(), renamed["slug"].as_str()), (Some("Acme Inc."), Some(a.slug.as_str())));
    assert_eq!(app.call(&owner, "workspaces/archive", &[("id", &a.id), ("archived", "true")]).await.status(), StatusCode::OK);
    let frozen = app.call_in(&owner, &a.slug, "products/delete", &[("id", &id), ("confirm", "yes")]).await;
    assert_eq!(frozen.status(), StatusCode::FORBIDDEN, "an archived workspace changes nothing");
    assert!(owner.get(app.url(&format!("/app/w/{}/products/{id}", a.slug))).send().await.unwrap().status().is_success(), "but reads");
    let home_ws = workspace::Entity::find().filter(workspace::Column::IsDefault.eq(true)).one(&app.db).await.unwrap().unwrap();
    let default_archive = app.call(&owner, "workspaces/archive", &[("id", &home_ws.id.to_string()), ("archived", "true")]).await;
    assert_eq!(default_archive.status(), StatusCode::UNPROCESSABLE_ENTITY, "the default workspace stays");
    assert_eq!(app.call(&owner, "workspaces/archive", &[("id", &a.id), ("archived", "false")]).await.status(), StatusCode::OK);
    let deleted = app.call_in(&owner, &a.slug, "products/delete", &[("id", &id), ("confirm", "yes")]).await;
    assert!(deleted.status().is_success() || deleted.status().is_redirection(), "restored: {}", deleted.status());

    // The activity log has all of it, with the client's address; a member cannot read it.
    let log: Vec<Value> = app.call(&owner, "activity/list", &[]).await.json().await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["workspace.created", "workspace.renamed", "workspace.archived", "workspace.restored", "product.deleted"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(log.iter().all(|e| e["client_addr"] == "127.0.0.1" && e["actor"] == "founder@example.com"), "{log:?}");
}

async fn invitation_links_work_once_for_one_address_until_revoked_or_expired(app: &TestApp) {
    let agency = agency(app, "owner@agency.example").await;
    let owner = &agency.owner;

    // Wrong address: a signed-in stranger cannot take it.
    assert_eq!(invite(app, owner, "bob@example.com", "member", &[]).await.status(), StatusCode::OK);
    let token = invitation_token(app, "bob@example.com").await;
    let stranger = app.confirmed_client("mallory@example.com").await;
    let taken = app.call(&stranger, "invitations/accept", &[("token", &token)]).await;
    assert_eq!(taken.status(), StatusCode::FORBIDDEN, "another address cannot accept");
    // The right address joins, once.
    let bob = join(app, &token).await;
    assert_eq!(bob.get(app.url("/app")).send().await.unwrap().status(), StatusCode::OK);
    let again = app.call(&app.new_client(), "invitations/sign_up", &[("token", &token), ("password", PASSWORD)]).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "a used link is refused");
    let preview = app.call(&app.new_client(), "invitations/preview", &[("token", &token)]).await;
    assert_eq!(preview.status(), StatusCode::BAD_REQUEST);
    assert_eq!(membership::Entity::find().count(&app.db).await.unwrap(), 3, "owner, mallory's own, bob");

    // Revoked: refused.
    assert_eq!(invite(app, owner, "carol@example.com", "admin", &[]).await.status(), StatusCode::OK);
    let token = invitation_token(app, "carol@example.com").await;
    let row = invitation::Entity::find().filter(invitation::Column::Email.eq("carol@example.com")).one(&app.db).await.unwrap().unwrap();
    assert_eq!(app.call(owner, "team/revoke", &[("id", &row.id.to_string())]).await.status(), StatusCode::OK);
    let revoked = app.call(&app.new_client(), "invitations/sign_up", &[("token", &token), ("password", PASSWORD)]).await;
    assert_eq!(revoked.status(), StatusCode::BAD_REQUEST, "a revoked link is refused");

    // Expired: refused; a resend makes a new link and the old one stays dead.
    assert_eq!(invite(app, owner, "dave@example.com", "member", &[]).await.status(), StatusCode::OK);
    let old = invitation_token(app, "dave@example.com").await;
    let row = invitation::Entity::find().filter(invitation::Column::Email.eq("dave@example.com")).one(&app.db).await.unwrap().unwrap();
    let id = row.id.to_string();
    let mut expired: invitation::ActiveModel = row.into();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
    expired.update(&app.db).await.unwrap();
    let late = app.call(&app.new_client(), "invitations/sign_up", &[("token", &old), ("password", PASSWORD)]).await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST, "an expired link is refused");
    assert_eq!(app.call(owner, "team/resend", &[("id", &id)]).await.status(), StatusCode::OK);
    let mut fresh = old.clone();
    for _ in 0..200 {
        fresh = invitation_token(app, "dave@example.com").await;
        if fresh != old {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_ne!(fresh, old, "the resend mailed a new link");
    let stale = app.call(&app.new_client(), "invitations/sign_up", &[("token", &old), ("password", PASSWORD)]).await;
    assert_eq!(stale.status(), StatusCode::BAD_REQUEST, "the replaced link is dead");
    let dave = join(app, &fresh).await;
    let team: Value = app.call(&dave, "team/get", &[]).await.json().await.unwrap();
    assert_eq!(team["your_role"], "member");

    // Tampered tokens are refused.
    let tampered = format!("{}x", &fresh[..fresh.len() - 1]);
    assert_eq!(app.call(&app.new_client(), "invitations/preview", &[("token", &tampered)]).await.status(), StatusCode::BAD_REQUEST);

    let log: Vec<Value> = app.call(owner, "activity/list", &[]).await.json().await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["invitation.sent", "invitation.revoked", "invitation.resent", "invitation.accepted"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    // Mails and logs never carried a usable token into the log.
    assert!(!crate::helpers::captured_logs().contains(&fresh), "an invitation token reached the logs");
}

async fn removing_someone_ends_their_sessions_at_once(app: &TestApp) {
    let agency = agency(app, "owner@agency.example").await;
    let owner = &agency.owner;
    let member = invited(app, owner, "member@example.com", "member", &[]).await;
    let client = invited(app, owner, "client@example.com", "client", &[&agency.a]).await;
    assert_eq!(member.get(app.url("/app")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(client.get(app.url("/app")).send().await.unwrap().status(), StatusCode::OK);
    for (email, browser) in [("member@example.com", &member), ("client@example.com", &client)] {
        let id = user_id(app, email).await;
        let no_confirm = app.call(owner, "team/remove", &[("user_id", &id)]).await;
        assert_eq!(no_confirm.status(), StatusCode::UNPROCESSABLE_ENTITY, "removal needs the confirmation box");
        assert_eq!(app.call(owner, "team/remove", &[("user_id", &id), ("confirm", "yes")]).await.status(), StatusCode::OK);
        let user: uuid::Uuid = id.parse().unwrap();
        let live =
            session::Entity::find().filter(session::Column::UserId.eq(platform::ids::UserId::from(user))).count(&app.db).await.unwrap();
        assert_eq!(live, 0, "{email}: every session ended");
        let after = browser.get(app.url("/app")).send().await.unwrap();
        assert_eq!(after.status(), StatusCode::SEE_OTHER, "{email}: the open browser is signed out");
    }
    let owner_id = user_id(app, "owner@agency.example").await;
    let self_removal = app.call(owner, "team/remove", &[("user_id", &owner_id), ("confirm", "yes")]).await;
    assert_eq!(self_removal.status(), StatusCode::UNPROCESSABLE_ENTITY, "the owner is never removed");
}

async fn concurrent_invitations_cannot_pass_the_member_limit(app: &TestApp) {
    let owner = app.confirmed_client("owner@startup.example").await;
    set_plan(app, "pro").await;
    // Pro has 5 seats; the owner takes one. Eight invitations at once for four seats: four win.
    let sends = (0..8).map(|n| {
        let owner = owner.clone();
        async move {
            let email = format!("person{n}@example.com");
            invite(app, &owner, &email, "member", &[]).await.status()
        }
    });
    let answers = futures::future::join_all(sends).await;
    let won = answers.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = answers.iter().filter(|s| **s == StatusCode::PAYMENT_REQUIRED).count();
    assert_eq!((won, refused), (4, 4), "{answers:?}");
    // Clients do not count.
    let ws = workspace::Entity::find().one(&app.db).await.unwrap().unwrap();
    let ws = Ws { id: ws.id.to_string(), slug: ws.slug };
    assert_eq!(invite(app, &owner, "client@example.com", "client", &[&ws]).await.status(), StatusCode::OK);
    // Members (not invited) count: the free plan's one seat is the owner's.
    set_plan(app, "free").await;
    app.db.execute_unprepared("DELETE FROM invitations").await.unwrap();
    assert_eq!(invite(app, &owner, "late@example.com", "member", &[]).await.status(), StatusCode::PAYMENT_REQUIRED);
}
