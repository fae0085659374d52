//! Column shapes that every migration uses the same way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

/// A UUIDv7 primary key named `id`.
pub fn id() -> ColumnDef {
    schema::pk_uuid("id")
}

/// A required reference to another table's `id`.
pub fn uuid_ref(name: &'static str) -> ColumnDef {
    schema::uuid(name)
}

/// An optional reference to another table's `id`.
pub fn uuid_ref_null(name: &'static str) -> ColumnDef {
    schema::uuid_null(name)
}

/// A required timestamp (UTC).
pub fn at(name: &'static str) -> ColumnDef {
    schema::timestamp_with_time_zone(name)
}

/// An optional timestamp (UTC).
pub fn at_null(name: &'static str) -> ColumnDef {
    schema::timestamp_with_time_zone_null(name)
}

/// A string column that only takes the listed values.
pub fn one_of(name: &'static str, values: &[&'static str]) -> ColumnDef {
    let mut column = schema::string_len(name, 32);
    column.check(Expr::col(name).is_in(values.iter().copied()));
    column
}

/// Adds `version`, `created_at` and `updated_at`, which every editable table has.
pub fn editable(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(schema::integer("version").default(1))
        .col(at("created_at"))
        .col(at("updated_at"))
}

/// A foreign key from `table.column` to `target.id`.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .to_owned()
}

/// An index named after its table and columns.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!("idx_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    index.to_owned()
}

/// Creates `table`, then each of `indexes`.
pub async fn create(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops tables in the order given.
pub async fn drop(manager: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).to_owned())
            .await?;
    }
    Ok(())
}
