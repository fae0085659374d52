//! The benchmark's reference point: a bare actix-web endpoint that reads one user by primary key
//! from the same database and answers it as JSON, with no authentication, policy or audit.
//! `cargo xtask bench` runs it beside the server, so that each endpoint's throughput reads as a
//! share of what one round trip costs on this machine.
//!
//! `DATABASE_URL` (the server's), `PORT` (default 18097); `GET /users/{id}`.

use actix_web::{App, HttpResponse, HttpServer, web};
use persistence::entity::user;
use sea_orm::EntityTrait;
use uuid::Uuid;

async fn one_user(db: web::Data<persistence::Db>, id: web::Path<Uuid>) -> HttpResponse {
    match user::Entity::find_by_id(*id).one(db.get_ref()).await {
        Ok(Some(user)) => HttpResponse::Ok().json(serde_json::json!({
            "id": user.id, "name": user.name, "email": user.email, "role": user.role,
        })),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let port: u16 = std::env::var("PORT")
        .unwrap_or_else(|_| "18097".into())
        .parse()?;
    let db = persistence::db::connect(&url, &persistence::DbOptions::default()).await?;
    let db = web::Data::new(db);
    HttpServer::new(move || {
        App::new()
            .app_data(db.clone())
            .route("/users/{id}", web::get().to(one_user))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
