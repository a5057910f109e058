//! White-label branding (Agency plan): the agency's name, logo, accent colour and footer on
//! share links, status pages and its client users' views, in place of launchready's. The logo
//! is uploaded, checked (PNG, JPEG or WebP by its bytes, at most 256 KiB and 1024 px a side;
//! never SVG, which can carry script) and served from our origin at `/brand/{sha256}`, so a new
//! logo is a new URL. The accent colour must keep white text on buttons readable (4.5:1).

use crate::activity;
use crate::db::internal;
use crate::entities::branding;
use crate::ids::OrgId;
use crate::tenancy::{Capability, TenantScope};
use chrono::Utc;
use domain::branding::{BrandingForm, BrandingView, LOGO_MAX_BYTES, LOGO_MAX_SIDE};
use domain::plans::{Plan, PlanTable};
use domain::share::Brand;
use domain::team::Activity;
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

/// The brand pages of this organisation show: `None` without the plan or without a name.
pub async fn brand_of(db: &impl ConnectionTrait, plans: &PlanTable, org_id: OrgId, plan: Plan) -> Result<Option<Brand>, DomainError> {
    if !plans.limits(plan).white_label {
        return Ok(None);
    }
    let row = branding::Entity::find_by_id(org_id).one(db).await.map_err(internal)?;
    Ok(row.map(|b| Brand { name: b.name, logo_url: b.logo_hash.map(|hash| format!("/brand/{hash}")), accent: b.accent, footer: b.footer }))
}

/// The brand of the scope's organisation, read with its plan.
pub async fn brand_for(db: &impl ConnectionTrait, plans: &PlanTable, org_id: OrgId) -> Result<Option<Brand>, DomainError> {
    let plan = crate::quota::plan_of(db, org_id).await?;
    brand_of(db, plans, org_id, plan).await
}

/// The branding page's view.
pub async fn view(db: &DatabaseConnection, scope: &TenantScope, plans: &PlanTable) -> Result<BrandingView, DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    let plan = crate::quota::plan_of(db, scope.org_id()).await?;
    let row = branding::Entity::find_by_id(scope.org_id()).one(db).await.map_err(internal)?;
    Ok(BrandingView {
        included: plans.limits(plan).white_label,
        plan: plan.label().to_owned(),
        name: row.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
        accent: row.as_ref().and_then(|b| b.accent.clone()).unwrap_or_default(),
        footer: row.as_ref().map(|b| b.footer.clone()).unwrap_or_default(),
        logo_url: row.and_then(|b| b.logo_hash).map(|hash| format!("/brand/{hash}")),
    })
}

async fn ensure_included(db: &impl ConnectionTrait, scope: &TenantScope, plans: &PlanTable) -> Result<(), DomainError> {
    let plan = crate::quota::plan_of(db, scope.org_id()).await?;
    if plans.limits(plan).white_label {
        Ok(())
    } else {
        Err(crate::quota::feature_missing(plan, "white_label", "White-label pages"))
    }
}

pub async fn save(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    form: &BrandingForm,
) -> Result<BrandingView, DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    ensure_included(db, scope, plans).await?;
    let spec = form.parse()?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let existing = branding::Entity::find_by_id(scope.org_id()).one(&txn).await.map_err(internal)?;
    let is_new = existing.is_none();
    let mut row = match existing {
        Some(row) => row.into(),
        None => branding::ActiveModel {
            org_id: Set(scope.org_id()),
            logo: Set(None),
            logo_type: Set(None),
            logo_hash: Set(None),
            ..Default::default()
        },
    };
    row.name = Set(spec.name.clone());
    row.accent = Set(spec.accent.clone());
    row.footer = Set(spec.footer.clone());
    row.updated_at = Set(Utc::now());
    if is_new {
        row.insert(&txn).await.map_err(internal)?;
    } else {
        row.update(&txn).await.map_err(internal)?;
    }
    activity::record(&txn, scope, Activity::BrandingChanged, format!("name \"{}\"", spec.name), None).await?;
    txn.commit().await.map_err(internal)?;
    view(db, scope, plans).await
}

/// The media type of a logo, from its bytes (never from what the browser claimed), after the
/// size checks; the reason in words otherwise.
pub fn check_logo(bytes: &[u8]) -> Result<&'static str, DomainError> {
    let refuse = |why: &str| Err(DomainError::invalid("logo", why));
    if bytes.is_empty() {
        return refuse("choose an image file");
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return refuse(&format!("is larger than {} KiB", LOGO_MAX_BYTES / 1024));
    }
    let media = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Png) => "image/png",
        Ok(imagesize::ImageType::Jpeg) => "image/jpeg",
        Ok(imagesize::ImageType::Webp) => "image/webp",
        _ => return refuse("must be a PNG, JPEG or WebP image"),
    };
    match imagesize::blob_size(bytes) {
        Ok(size) if size.width == 0 || size.height == 0 => refuse("has no pixels"),
        Ok(size) if size.width > LOGO_MAX_SIDE || size.height > LOGO_MAX_SIDE => {
            refuse(&format!("is {}×{} pixels; at most {LOGO_MAX_SIDE} a side", size.width, size.height))
        }
        Ok(_) => Ok(media),
        Err(_) => refuse("is not a readable image"),
    }
}

pub async fn set_logo(db: &DatabaseConnection, scope: &TenantScope, plans: &PlanTable, bytes: Vec<u8>) -> Result<(), DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    ensure_included(db, scope, plans).await?;
    let media = check_logo(&bytes)?;
    let hash = hex::encode(Sha256::digest(&bytes));
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let existing = branding::Entity::find_by_id(scope.org_id()).one(&txn).await.map_err(internal)?;
    let is_new = existing.is_none();
    let mut row = match existing {
        Some(row) => row.into(),
        None => branding::ActiveModel {
            org_id: Set(scope.org_id()),
            name: Set(String::new()),
            accent: Set(None),
            footer: Set(String::new()),
            ..Default::default()
        },
    };
    row.logo = Set(Some(bytes));
    row.logo_type = Set(Some(media.to_owned()));
    row.logo_hash = Set(Some(hash));
    row.updated_at = Set(Utc::now());
    if is_new {
        row.insert(&txn).await.map_err(internal)?;
    } else {
        row.update(&txn).await.map_err(internal)?;
    }
    activity::record(&txn, scope, Activity::BrandingChanged, "logo uploaded", None).await?;
    txn.commit().await.map_err(internal)?;
    Ok(())
}

pub async fn remove_logo(db: &DatabaseConnection, scope: &TenantScope) -> Result<(), DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    if let Some(row) = branding::Entity::find_by_id(scope.org_id()).one(&txn).await.map_err(internal)? {
        let mut row: branding::ActiveModel = row.into();
        row.logo = Set(None);
        row.logo_type = Set(None);
        row.logo_hash = Set(None);
        row.updated_at = Set(Utc::now());
        row.update(&txn).await.map_err(internal)?;
        activity::record(&txn, scope, Activity::BrandingChanged, "logo removed", None).await?;
    }
    txn.commit().await.map_err(internal)?;
    Ok(())
}

/// A logo by its content hash, for `/brand/{hash}`: its bytes and media type.
pub async fn logo(db: &impl ConnectionTrait, hash: &str) -> Result<Option<(Vec<u8>, String)>, DomainError> {
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row = branding::Entity::find().filter(branding::Column::LogoHash.eq(hash)).one(db).await.map_err(internal)?;
    Ok(row.and_then(|b| Some((b.logo?, b.logo_type?))))
}
