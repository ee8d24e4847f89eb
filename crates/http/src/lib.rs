//! The actix-web adapter of the Kasar CRM API: routes, DTOs, authentication,
//! error mapping and the OpenAPI document. `configure` mounts everything on
//! an `App`; the server crate owns the `HttpServer`.

mod auth;
mod body;
pub mod dto;
pub mod error;
pub mod metrics;
mod observe;
mod ratelimit;
pub mod routes;
mod state;

use actix_web::middleware::from_fn;
use actix_web::web;

pub use error::ApiError;
pub use metrics::{track as track_metrics, Metrics, PoolGauge, PoolProbe};
pub use observe::request_log;
pub use ratelimit::{Decision, Family, Limiter, RateLimiter, RateLimits, RedisLimiter};
pub use routes::openapi::ApiDoc;
pub use state::HttpState;

/// Mounts every route, the authentication and rate limits of `/api/v1`, and
/// the JSON 404/405.
pub fn configure(state: HttpState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let expose_metrics = state.expose_metrics;
        let query_errors = web::QueryConfig::default()
            .error_handler(|e, _| ApiError::validation(format!("Invalid query: {e}")).into());
        let path_errors = web::PathConfig::default()
            .error_handler(|e, _| ApiError::validation(format!("Invalid path: {e}")).into());
        cfg.app_data(web::Data::new(state))
            .app_data(query_errors)
            .app_data(path_errors)
            .service(resource("/health").route(web::get().to(routes::health::health)))
            .service(resource("/ready").route(web::get().to(routes::health::ready)))
            // The API reference in the browser: Swagger UI, every asset
            // served from the binary (no CDN), reading the document above.
            .service(resource("/docs").route(web::get().to(|| async {
                actix_web::HttpResponse::MovedPermanently()
                    .insert_header(("Location", "/docs/"))
                    .finish()
            })))
            .service(
                utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")),
            )
            .configure(|cfg| {
                // Outside `/api/v1`: no token, no rate limit.
                if expose_metrics {
                    cfg.service(resource("/metrics").route(web::get().to(metrics::metrics)));
                }
            })
            .service(
                resource("/api/v1/openapi.json").route(web::get().to(routes::openapi::openapi)),
            )
            .service(
                // The last `wrap` runs first: authentication, then the limit by token.
                web::scope("/api/v1")
                    .wrap(from_fn(ratelimit::limit))
                    .wrap(from_fn(auth::authenticate))
                    .configure(api_routes)
                    .default_service(web::to(routes::fallback::not_found)),
            )
            .default_service(web::to(routes::fallback::not_found));
    }
}

/// A resource answering 405 in the envelope for methods it has no route for.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(routes::fallback::method_not_allowed))
}

/// The routes under `/api/v1`, in the order they are matched (a fixed path
/// before the `{id}` that would take it).
fn api_routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(schema_routes)
        .configure(record_routes)
        .configure(data_routes)
        .service(
            resource("/records/{object}/{id}")
                .route(web::get().to(routes::records::get::get))
                .route(web::patch().to(routes::records::update::update))
                .route(web::put().to(routes::records::update::put))
                .route(web::delete().to(routes::records::delete::delete)),
        )
        .service(resource("/duplicates").route(web::post().to(routes::duplicates::duplicates)))
        .service(resource("/bulk").route(web::post().to(routes::bulk::bulk)))
        .service(resource("/merges").route(web::get().to(routes::merges::list)))
        .service(resource("/dismissals").route(web::get().to(routes::dismissals::list)))
        .service(resource("/merges/{merge_id}").route(web::get().to(routes::merges::get)));
}

/// `/me` and the schema's routes.
fn schema_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/me").route(web::get().to(routes::me::me)))
        .service(
            resource("/schema")
                .route(web::get().to(routes::schema::list_schema))
                .route(web::post().to(routes::schema_changes::create_object)),
        )
        .service(
            resource("/schema/{object}")
                .route(web::get().to(routes::schema::get_schema))
                .route(web::delete().to(routes::schema_changes::delete_object)),
        )
        .service(
            resource("/schema/{object}/matching")
                .route(web::put().to(routes::schema_changes::set_matching)),
        )
        .service(
            resource("/schema/{object}/fields")
                .route(web::post().to(routes::schema_changes::add_field)),
        )
        .service(
            resource("/schema/{object}/fields/{field}")
                .route(web::patch().to(routes::schema_changes::patch_field))
                .route(web::delete().to(routes::schema_changes::delete_field)),
        );
}

/// The routes of an object's records with fixed paths (list and create,
/// batches, search, match); `/records/{object}/{id}` comes after them.
fn record_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/records/{object}")
            .route(web::get().to(routes::records::list::list))
            .route(web::post().to(routes::records::create::create))
            .route(web::delete().to(routes::batch::delete)),
    )
    .service(
        resource("/records/{object}/batch/create").route(web::post().to(routes::batch::create)),
    )
    .service(
        resource("/records/{object}/batch/update").route(web::post().to(routes::batch::update)),
    )
    .service(
        resource("/records/{object}/batch/upsert").route(web::post().to(routes::batch::upsert)),
    )
    .service(
        resource("/records/{object}/search").route(web::post().to(routes::records::list::search)),
    )
    .service(
        resource("/records/{object}/match")
            .route(web::post().to(routes::records::matching::match_record)),
    );
}

/// Data in and out: export and import.
fn data_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/export/{object}").route(web::get().to(routes::export::export)))
        .service(
            resource("/export/duplicates/{object}")
                .route(web::get().to(routes::export_pairs::export_pairs)),
        )
        .service(resource("/import/{object}").route(web::post().to(routes::import::import)));
}
