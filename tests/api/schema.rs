//! The two migration folders stay in step: same names, same tables and columns.

use std::collections::BTreeSet;

use civicdesk::db::{establish, DatabaseUrl};
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};

use crate::helpers::{spawn_app, Backend};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn migration_names(backend: &str) -> BTreeSet<String> {
    std::fs::read_dir(format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    assert_eq!(migration_names("sqlite"), migration_names("postgres"));
}

fn columns(url: &str) -> BTreeSet<(String, String)> {
    let url = DatabaseUrl::parse(url).unwrap();
    let mut conn = establish(&url).unwrap();
    let sql = match url.backend {
        civicdesk::db::Backend::Sqlite => {
            "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"
        }
        civicdesk::db::Backend::Postgres => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'"
        }
    };
    diesel::sql_query(sql)
        .load::<Column>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_end_with_the_same_tables_and_columns() {
    let Some(pg) = spawn_app(Backend::Postgres).await else {
        return;
    };
    let sqlite = spawn_app(Backend::Sqlite).await.unwrap();
    let (a, b) = (sqlite.db_url.clone(), pg.db_url.clone());
    let (lite, post) = tokio::task::spawn_blocking(move || (columns(&a), columns(&b)))
        .await
        .unwrap();
    assert!(lite.len() > 50, "{lite:?}");
    assert_eq!(lite, post);
    sqlite.stop().await;
    pg.stop().await;
}
