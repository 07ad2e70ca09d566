//! The bookshop's writes: placing orders and restocking, on a connection the caller owns.
//!
//! Each function takes `&mut AnyConnection`, which a transaction dereferences to: pass
//! `&mut transaction` for an `sqlx::Transaction<'_, Any>`, or `tx` itself for the
//! `&mut Transaction` a rolled-back smoke test receives. The app commits its transactions, the
//! smoke tests' are always rolled back, and both run the same code.
//!
//! [`place_order`] and [`restock`] begin with their `UPDATE`, not a read: in SQLite a
//! transaction whose first statement writes waits for the write lock (up to the busy timeout)
//! while another transaction holds it, where one that read first could be refused at once with
//! "database is locked".

use std::fmt;

use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::store::book_by_isbn_on;

/// An order as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// The order number.
    pub id: i64,
    /// The book ordered.
    pub book_id: i64,
    /// Copies ordered.
    pub quantity: i64,
    /// What the customer pays, in cents: the book's price at the time, times the quantity.
    pub total_cents: i64,
}

/// Why an order or a restock was refused.
#[derive(Debug)]
pub enum OrderError {
    /// No book has this ISBN.
    NoSuchBook(String),
    /// Fewer copies are in stock than were ordered.
    OutOfStock {
        /// The book.
        isbn: String,
        /// Copies in stock.
        in_stock: i64,
        /// Copies ordered.
        wanted: i64,
    },
    /// A quantity of zero or less.
    BadQuantity(i64),
    /// The database failed.
    Database(sqlx::Error),
}

impl fmt::Display for OrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrderError::NoSuchBook(isbn) => write!(f, "no book has the ISBN {isbn}"),
            OrderError::OutOfStock {
                isbn,
                in_stock,
                wanted,
            } => write!(
                f,
                "book {isbn} has {in_stock} copies in stock, {wanted} were ordered"
            ),
            OrderError::BadQuantity(quantity) => {
                write!(f, "a quantity must be at least 1, not {quantity}")
            }
            OrderError::Database(error) => write!(f, "database error: {error}"),
        }
    }
}

impl std::error::Error for OrderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OrderError::Database(error) => Some(error),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for OrderError {
    fn from(error: sqlx::Error) -> Self {
        OrderError::Database(error)
    }
}

/// Places an order for `quantity` copies of the book `isbn`: takes them from its stock and
/// records the order at the book's current price.
///
/// ```no_run
/// # async fn sell(store: &smoketest_demo::Store) -> Result<(), Box<dyn std::error::Error>> {
/// let mut transaction = store.pool().begin().await?;
/// let order = smoketest_demo::orders::place_order(&mut transaction, "978-1718503106", 1).await?;
/// transaction.commit().await?;
/// println!("order {} placed", order.id);
/// # Ok(())
/// # }
/// ```
pub async fn place_order(
    connection: &mut AnyConnection,
    isbn: &str,
    quantity: i64,
) -> Result<Order, OrderError> {
    if quantity < 1 {
        return Err(OrderError::BadQuantity(quantity));
    }
    let taken = sqlx::query(
        "UPDATE demo_books SET stock = stock - $1 WHERE isbn = $2 AND stock >= $1 \
         RETURNING id, price_cents",
    )
    .bind(quantity)
    .bind(isbn)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(taken) = taken else {
        return Err(match book_by_isbn_on(connection, isbn).await? {
            None => OrderError::NoSuchBook(isbn.to_owned()),
            Some(book) => OrderError::OutOfStock {
                isbn: isbn.to_owned(),
                in_stock: book.stock,
                wanted: quantity,
            },
        });
    };
    let book_id: i64 = taken.try_get(0)?;
    let price_cents: i64 = taken.try_get(1)?;
    let total_cents = price_cents * quantity;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO demo_orders (book_id, quantity, total_cents) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(book_id)
    .bind(quantity)
    .bind(total_cents)
    .fetch_one(connection)
    .await?;
    Ok(Order {
        id,
        book_id,
        quantity,
        total_cents,
    })
}

/// Adds `copies` to the stock of the book `isbn`; returns the new stock.
pub async fn restock(
    connection: &mut AnyConnection,
    isbn: &str,
    copies: i64,
) -> Result<i64, OrderError> {
    if copies < 1 {
        return Err(OrderError::BadQuantity(copies));
    }
    sqlx::query_scalar("UPDATE demo_books SET stock = stock + $1 WHERE isbn = $2 RETURNING stock")
        .bind(copies)
        .bind(isbn)
        .fetch_optional(connection)
        .await?
        .ok_or_else(|| OrderError::NoSuchBook(isbn.to_owned()))
}

/// The order with this number, if there is one.
pub async fn order(connection: &mut AnyConnection, id: i64) -> sqlx::Result<Option<Order>> {
    sqlx::query("SELECT id, book_id, quantity, total_cents FROM demo_orders WHERE id = $1")
        .bind(id)
        .fetch_optional(connection)
        .await?
        .map(|row| order_from_row(&row))
        .transpose()
}

/// Copies of the book `isbn` in stock, or `None` if there is no such book.
pub async fn stock(connection: &mut AnyConnection, isbn: &str) -> sqlx::Result<Option<i64>> {
    Ok(book_by_isbn_on(connection, isbn)
        .await?
        .map(|book| book.stock))
}

fn order_from_row(row: &AnyRow) -> sqlx::Result<Order> {
    Ok(Order {
        id: row.try_get(0)?,
        book_id: row.try_get(1)?,
        quantity: row.try_get(2)?,
        total_cents: row.try_get(3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Database, SEED_BOOKS, Store};

    /// A store on a SQLite file of the test's own, removed when dropped.
    struct TempStore {
        store: Store,
        path: std::path::PathBuf,
    }

    impl TempStore {
        async fn new(test: &str) -> TempStore {
            let path = std::env::temp_dir().join(format!(
                "smoketest-demo-orders-{}-{test}.sqlite3",
                std::process::id()
            ));
            let _ = std::fs::remove_file(&path);
            let store = Store::open(&Database::Sqlite(path.clone())).await.unwrap();
            TempStore { store, path }
        }
    }

    impl Drop for TempStore {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    #[tokio::test]
    async fn a_committed_order_takes_stock_and_is_recorded_at_the_current_price() {
        let shop = TempStore::new("commit").await;
        let seed = &SEED_BOOKS[0];
        let mut transaction = shop.store.pool().begin().await.unwrap();
        let placed = place_order(&mut transaction, seed.isbn, 2).await.unwrap();
        assert_eq!(placed.quantity, 2);
        assert_eq!(placed.total_cents, 2 * seed.price_cents);
        transaction.commit().await.unwrap();

        assert_eq!(shop.store.count_orders().await.unwrap(), 1);
        let book = shop.store.book_by_isbn(seed.isbn).await.unwrap().unwrap();
        assert_eq!(book.stock, seed.stock - 2);
        let mut connection = shop.store.pool().acquire().await.unwrap();
        assert_eq!(
            order(&mut connection, placed.id).await.unwrap(),
            Some(placed)
        );
    }

    #[tokio::test]
    async fn an_order_beyond_the_stock_or_of_no_book_is_refused_and_writes_nothing() {
        let shop = TempStore::new("refused").await;
        let sold_out = SEED_BOOKS.iter().find(|book| book.stock == 0).unwrap();
        let mut connection = shop.store.pool().acquire().await.unwrap();
        let error = place_order(&mut connection, sold_out.isbn, 1)
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "book {} has 0 copies in stock, 1 were ordered",
                sold_out.isbn
            )
        );
        let error = place_order(&mut connection, "978-0000000000", 1)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), "no book has the ISBN 978-0000000000");
        let error = place_order(&mut connection, sold_out.isbn, 0)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), "a quantity must be at least 1, not 0");
        assert_eq!(shop.store.count_orders().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn restocking_adds_copies_and_a_rollback_undoes_it() {
        let shop = TempStore::new("restock").await;
        let seed = &SEED_BOOKS[3];
        let mut transaction = shop.store.pool().begin().await.unwrap();
        assert_eq!(
            restock(&mut transaction, seed.isbn, 5).await.unwrap(),
            seed.stock + 5
        );
        assert_eq!(
            stock(&mut transaction, seed.isbn).await.unwrap(),
            Some(seed.stock + 5)
        );
        transaction.rollback().await.unwrap();
        let book = shop.store.book_by_isbn(seed.isbn).await.unwrap().unwrap();
        assert_eq!(book.stock, seed.stock);
        let mut connection = shop.store.pool().acquire().await.unwrap();
        assert!(matches!(
            restock(&mut connection, "978-0000000000", 1).await,
            Err(OrderError::NoSuchBook(_))
        ));
    }
}
