//! The generated client against a real OData server: the SAP CAP service of `tests/cap/`
//! (in-memory SQLite, the same seed data at every start) on a loopback port.
//!
//! The server needs `node` and `npm ci --prefix tests/cap`; without them the test says why and
//! passes, unless `REQUIRE_ODATA_SERVER` is set (CI), then it fails. Every request must succeed,
//! or fail exactly as the service intends (the expected 404, 412 and 428 are asserted): an
//! unexpected 4xx fails the test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fixture_cap_client::model::catalog_service::{
    Address, Attachments, Authors, Books, Echo, Feedback, OrderItems, OrderLine, Orders, Settings,
};
use fixture_cap_client::{Client, EntityContainer, Error};
use odata_runtime::client::http::header::ACCEPT;
use odata_runtime::client::http::{HeaderValue, Method};
use odata_runtime::client::{Request, ReturnPreference};
use odata_runtime::edm::{parse_date, parse_date_time_offset, parse_decimal, parse_time_of_day, Guid};

/// The CAP server as a child process: stopped (stdin closed, then killed) when dropped.
struct Server {
    child: Child,
    root: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cap_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cap")
}

fn find_node() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("node")).find(|p| p.is_file())
}

/// Starts the server, or says why it cannot (`None`; a panic when `REQUIRE_ODATA_SERVER` is set).
fn start() -> Option<Server> {
    let required = std::env::var_os("REQUIRE_ODATA_SERVER").is_some();
    let skip = |why: String| {
        assert!(!required, "REQUIRE_ODATA_SERVER is set but the OData server cannot start: {why}");
        eprintln!("skipped: {why}");
        None
    };
    let Some(node) = find_node() else { return skip("`node` is not on PATH".into()) };
    if !cap_dir().join("node_modules").is_dir() {
        return skip("tests/cap/node_modules is missing (run `npm ci --prefix tests/cap`)".into());
    }
    let mut child = match Command::new(node)
        .arg(cap_dir().join("serve.js"))
        .args(["--port", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return skip(format!("cannot run node: {e}")),
    };
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let mut server = Server { child, root: String::new() };
    let line = match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(l) => l,
        Err(_) => return skip("the server did not say it was listening within 120 s".into()),
    };
    let Some(base) = line.trim().strip_prefix("listening on ") else {
        return skip(format!("unexpected first line from the server: {line:?}"));
    };
    server.root = format!("{base}/odata/v4/catalog");
    Some(server)
}

fn guid(s: &str) -> Guid {
    Guid::parse_str(s).expect("a GUID")
}

fn book_id(digit: char) -> Guid {
    let d = |n: usize| std::iter::repeat_n(digit, n).collect::<String>();
    guid(&format!("{}-{}-4{}-8{}-{}", d(8), d(4), d(3), d(3), d(12)))
}

const ORDER_1: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const ORDER_2: &str = "aaaaaaaa-0000-4000-8000-000000000002";
const ATTACHMENT: &str = "cccccccc-0000-4000-8000-000000000001";

fn status(e: &Error) -> u16 {
    e.status().map_or(0, |s| s.as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_client_against_cap() {
    let Some(server) = start() else { return };
    let client = Client::builder(&server.root).build().expect("client");
    let svc = EntityContainer::new(client.clone());

    metadata_is_the_committed_copy(&client).await;
    // Reads and unbound operations first: they assert on the seed data.
    reads(&svc).await;
    unbound_operations(&svc).await;
    bound_operations(&svc).await;
    writes(&svc).await;
    restrictions_are_the_service_s(&client).await;
    etags(&svc).await;
    drafts(&svc).await;
    media_and_singleton(&svc).await;
    drop(server);
}

type Svc = EntityContainer;

async fn metadata_is_the_committed_copy(client: &Client) {
    let response = Request::<()>::new(client, Method::GET, "$metadata".into())
        .header(ACCEPT, HeaderValue::from_static("application/xml"))
        .send_raw()
        .await
        .expect("$metadata");
    assert_eq!(response.status(), 200);
    let committed = std::fs::read(cap_dir().join("metadata.xml")).expect("tests/cap/metadata.xml");
    assert!(
        response.body() == &committed,
        "the live $metadata differs from tests/cap/metadata.xml; refresh it as tests/cap/README.md says"
    );
}

async fn reads(svc: &Svc) {
    use fixture_cap_client::catalog_service::{AuthorsProperty, BooksProperty};
    // Composite keys: a GUID and a Boolean, two primitives, three parts.
    let book = svc.books().by_key(book_id('1'), true).get().send().await.expect("Books(ID=..,IsActiveEntity=true)");
    assert_eq!(book.title.as_deref(), Some("Wuthering Heights"));
    assert_eq!(book.is_active_entity, Some(true));
    let rate =
        svc.exchange_rates().by_key(2024, "USD").get().send().await.expect("ExchangeRates(year=2024,currency='USD')");
    assert_eq!(rate.rate, Some(parse_decimal("1.0824").unwrap()));
    let chapter = svc.chapters().by_key(book_id('1'), 2, true).get().send().await.expect("Chapters(..)");
    assert_eq!(chapter.number, Some(2));
    let country = svc.countries().by_id("DE").get().send().await.expect("Countries('DE')");
    assert_eq!(country.code.as_deref(), Some("DE"));
    // A quote in a string key is doubled, a slash encoded: the server looks for that key.
    let missing = svc.countries().by_id("a'b/c").get().send().await.expect_err("no such country");
    assert_eq!(status(&missing), 404, "{missing}");
    let poe = svc.authors().by_id(150).get().send().await.expect("Authors(150)");
    assert_eq!(poe.name.as_deref(), Some("Edgar Allan Poe"));

    // $filter, $expand, $orderby, $top/$skip, $search, $select.
    let page = svc.authors().list().filter("name eq 'Edgar Allan Poe'").send().await.expect("$filter");
    assert_eq!(page.value.len(), 1);
    let emily = svc.authors().by_id(101).get().expand([AuthorsProperty::Books]).send().await.expect("$expand");
    assert_eq!(emily.books.as_ref().map(Vec::len), Some(1));
    let nested = svc
        .authors()
        .list()
        .filter("ID eq 150")
        .expand_raw("books($select=title;$orderby=title;$expand=chapters($top=1))")
        .send()
        .await
        .expect("nested $expand");
    let books = nested.value[0].books.as_ref().expect("expanded books");
    assert!(books.iter().all(|b| b.title.is_some()));
    // Composition children by key below their parent.
    let item = svc
        .orders()
        .by_id(guid(ORDER_1))
        .items()
        .by_id(guid("bbbbbbbb-0000-4000-8000-000000000001"))
        .get()
        .send()
        .await
        .expect("Orders(..)/items(..)");
    assert_eq!(item.parent_id, Some(guid(ORDER_1)));
    let chapters = svc.books().by_key(book_id('1'), true).chapters().list().send().await.expect("Books(..)/chapters");
    assert_eq!(chapters.value.len(), 3);
    let top = svc.books().list().order_by([BooksProperty::Stock.desc()]).top(2).send().await.expect("$orderby");
    assert_eq!(top.value.len(), 2);
    assert!(top.value[0].stock >= top.value[1].stock);
    let skipped =
        svc.authors().list().order_by([AuthorsProperty::Id.asc()]).top(2).skip(1).send().await.expect("$skip");
    assert_eq!(skipped.value.iter().map(|a| a.id.unwrap()).collect::<Vec<_>>(), [107, 150]);
    let raven = svc.books().list().search("Raven").select([BooksProperty::Title]).send().await.expect("$search");
    assert_eq!(raven.value.len(), 1);
    assert_eq!(raven.value[0].title.as_deref(), Some("The Raven"));

    // Paging: asked for (Prefer: odata.maxpagesize) and imposed by the server.
    let pages: Vec<_> = {
        use futures_util::StreamExt;
        svc.authors().list().max_page_size(2).pages().collect().await
    };
    let pages: Vec<_> = pages.into_iter().collect::<Result<_, _>>().expect("pages");
    assert!(pages.len() >= 2 && pages.iter().all(|p| p.value.len() <= 2));
    assert_eq!(pages.iter().map(|p| p.value.len()).sum::<usize>(), 4);
    let countries = svc.countries().list().collect_all().await.expect("server-driven paging");
    assert_eq!(countries.len(), 3);

    // $count=true and /$count.
    let counted = svc.books().list().count(true).top(1).send().await.expect("$count=true");
    assert_eq!(counted.count, Some(5));
    assert_eq!(svc.books().count().send().await.expect("/$count"), 5);
    assert_eq!(svc.authors().by_id(101).books().count().send().await.expect("nav /$count"), 1);
}

async fn unbound_operations(svc: &Svc) {
    assert_eq!(svc.total_stock().send().await.expect("totalStock()").value, 933);
    let top = svc.top_books(Some(2)).send().await.expect("topBooks(count=2)");
    assert_eq!(top.value.len(), 2);
    assert_eq!(svc.top_books(None).send().await.expect("topBooks()").value.len(), 3);
    let jane = svc.book_by_title("Jane Eyre".into()).send().await.expect("bookByTitle");
    assert_eq!(jane.and_then(|b| b.id), Some(book_id('2')));
    assert!(svc.book_by_title("No such book".into()).send().await.expect("bookByTitle 204").is_none());
    let inventory = svc.inventory().send().await.expect("inventory()").expect("a summary");
    assert_eq!((inventory.books, inventory.authors, inventory.total_stock), (Some(5), Some(4), Some(933)));

    let text = "It's (a, b) & 100% é/?#".to_string();
    let echo: Echo = svc
        .echo(
            Some(text.clone()),
            Some(-7),
            Some(4_294_967_296_001),
            Some(parse_decimal("12.50").unwrap()),
            Some(0.25),
            Some(true),
            Some(parse_date("2024-02-29").unwrap()),
            Some(parse_time_of_day("23:59:58").unwrap()),
            Some(parse_date_time_offset("2024-02-29T23:59:58Z").unwrap()),
            Some(parse_date_time_offset("2024-02-29T23:59:58.123Z").unwrap()),
            Some(book_id('3')),
            Some("POE".into()),
            Some(3),
        )
        .send()
        .await
        .expect("echo(..)")
        .expect("an echo");
    assert_eq!(echo.text.as_deref(), Some(text.as_str()));
    assert_eq!(echo.int32, Some(-7));
    assert_eq!(echo.int64, Some(4_294_967_296_001));
    assert_eq!(echo.decimal, Some(parse_decimal("12.5").unwrap()));
    assert_eq!(echo.flag, Some(true));
    assert_eq!(echo.day, Some(parse_date("2024-02-29").unwrap()));
    assert_eq!(echo.time, Some(parse_time_of_day("23:59:58").unwrap()));
    assert_eq!(echo.date_time, Some(parse_date_time_offset("2024-02-29T23:59:58Z").unwrap()));
    assert_eq!(echo.uuid, Some(book_id('3')));
    assert_eq!(echo.genre.as_deref(), Some("POE"));
    assert_eq!(echo.priority, Some(3));

    let mut address = Address::default();
    address.city = Some("Haworth".into());
    address.street = Some("Church St".into());
    let echoed = svc
        .echo_action(
            Some(text.clone()),
            Some(1),
            None,
            None,
            Some(1.5),
            Some(false),
            None,
            None,
            None,
            None,
            None,
            Some("History".into()),
            Some(1),
            Some(vec![1, 2, 3]),
            Some(vec!["a".into(), "b".into()]),
            Some(address.clone()),
        )
        .expect("echoAction body")
        .send()
        .await
        .expect("echoAction")
        .expect("an echo");
    assert_eq!(echoed.text.as_deref(), Some(text.as_str()));
    assert_eq!(echoed.numbers, Some(vec![1, 2, 3]));
    assert_eq!(echoed.tags, Some(vec!["a".to_string(), "b".to_string()]));
    assert_eq!(echoed.address.and_then(|a| a.city).as_deref(), Some("Haworth"));
    assert_eq!(echoed.priority, Some(1));

    let mut line = OrderLine::default();
    line.book = Some(book_id('2'));
    line.quantity = Some(2);
    let order = svc
        .submit_order(address, vec![line], Some(3))
        .expect("submitOrder body")
        .send()
        .await
        .expect("submitOrder")
        .expect("the new order");
    assert_eq!(order.priority, Some(3));
    assert_eq!(order.ship_to_city.as_deref(), Some("Haworth"));
    svc.ping().expect("ping body").send().await.expect("ping");
}

async fn bound_operations(svc: &Svc) {
    // Functions and actions bound to one book and to the collection.
    let raven = svc.books().by_key(book_id('3'), true);
    let before = raven.get().send().await.expect("The Raven").stock.unwrap_or_default();
    let after = raven.restock(7).expect("body").send().await.expect("restock").expect("the book");
    assert_eq!(after.stock, Some(before + 7));
    let set = raven.set_genre("History".into()).expect("body").send().await.expect("setGenre").expect("book");
    assert_eq!(set.genre.as_deref(), Some("History"));
    let value = raven.stock_value(Some(parse_decimal("10").unwrap())).send().await.expect("stockValue").expect("money");
    assert!(value.amount.is_some());
    assert!(raven.stock_value(None).send().await.expect("stockValue()").is_some());
    let titles = svc.books().by_key(book_id('1'), true).chapter_titles().send().await.expect("chapterTitles");
    assert_eq!(titles.value, ["Chapter I", "Chapter II", "Chapter III"]);
    assert_eq!(svc.books().count_by_genre(Some("Fiction".into())).send().await.expect("countByGenre").value, 3);
    assert_eq!(svc.books().count_by_genre(None).send().await.expect("countByGenre()").value, 5);

    let order = svc.orders().by_id(guid(ORDER_1));
    assert_eq!(order.item_count().send().await.expect("itemCount").value, 3);
    let mut address = Address::default();
    address.city = Some("Leeds".into());
    // An action on an entity with an ETag: 428 without If-Match, then with the entity's tag.
    let required = order
        .ship(address.clone(), Some(true), Some(vec!["fragile".into()]), Some("ring twice".into()))
        .expect("body")
        .send()
        .await
        .expect_err("428 without If-Match");
    assert!(required.is_precondition_required(), "{required}");
    let tag = odata_runtime::client::etag_of(&order.get().send().await.expect("order")).expect("an ETag");
    let shipped = order
        .ship(address, Some(true), Some(vec!["fragile".into()]), Some("ring twice".into()))
        .expect("body")
        .if_match(&tag)
        .send()
        .await
        .expect("ship")
        .expect("the order");
    assert_eq!(shipped.note.as_deref(), Some("ring twice, fragile"));
    assert_eq!(shipped.shipped_at, Some(parse_date_time_offset("2024-06-01T12:00:00Z").unwrap()));
    let changed = svc.orders().recalculate().expect("body").if_match_any().send().await.expect("recalculate");
    assert!(changed.value >= 0);
}

async fn writes(svc: &Svc) {
    // Create, read back, update, replace, delete: an entity without an ETag.
    let mut author = Authors::default();
    author.id = Some(200);
    author.name = Some("Anne Brontë".into());
    author.address_city = Some("Thornton".into());
    let created = svc.authors().create(&author).send().await.expect("POST Authors").expect("the author");
    assert_eq!(created.name.as_deref(), Some("Anne Brontë"));
    let read = svc.authors().by_id(200).get().send().await.expect("read back");
    assert_eq!(read.address_city.as_deref(), Some("Thornton"));
    // PATCH sends only what is set: the city stays.
    let mut patch = Authors::default();
    patch.name = Some("Anne B.".into());
    let updated = svc.authors().by_id(200).update(&patch).send().await.expect("PATCH").expect("the author");
    assert_eq!((updated.name.as_deref(), updated.address_city.as_deref()), (Some("Anne B."), Some("Thornton")));
    // A null is sent only when asked for.
    let mut nulled = Authors::default();
    nulled.extra.mark_null("address_city");
    let minimal = svc
        .authors()
        .by_id(200)
        .update(&nulled)
        .prefer_return(ReturnPreference::Minimal)
        .send()
        .await
        .expect("PATCH return=minimal");
    assert!(minimal.is_none());
    let read = svc.authors().by_id(200).get().send().await.expect("read back");
    assert_eq!((read.name.as_deref(), read.address_city.as_deref()), (Some("Anne B."), None));
    let mut whole = read.clone();
    whole.name = Some("Anne Brontë".into());
    let replaced = svc.authors().by_id(200).replace(&whole).send().await.expect("PUT").expect("the author");
    assert_eq!(replaced.name.as_deref(), Some("Anne Brontë"));
    svc.authors().by_id(200).delete().send().await.expect("DELETE");
    let gone = svc.authors().by_id(200).get().send().await.expect_err("deleted");
    assert_eq!(status(&gone), 404, "{gone}");

    // Deep insert: an order with its items, then the items read back through navigation.
    let mut order = Orders::default();
    order.note = Some("deep".into());
    order.priority = Some(2);
    order.order_date = Some(parse_date("2024-03-01").unwrap());
    let mut items = Vec::new();
    for (digit, quantity) in [('1', 1), ('5', 4)] {
        let mut item = OrderItems::default();
        item.book_id = Some(book_id(digit));
        item.quantity = Some(quantity);
        item.price = Some(parse_decimal("2.50").unwrap());
        items.push(item);
    }
    order.items = Some(items);
    let created = svc.orders().create(&order).send().await.expect("POST Orders (deep)").expect("the order");
    let id = created.id.expect("a generated ID");
    assert_eq!(created.items.as_ref().map(Vec::len), Some(2));
    let items = svc.orders().by_id(id).items().list().send().await.expect("Orders(..)/items");
    assert_eq!(items.value.len(), 2);
    assert_eq!(svc.orders().by_id(id).item_count().send().await.expect("itemCount").value, 2);

    // An insert-only set: created, no body back (204).
    let mut feedback = Feedback::default();
    feedback.message = Some("Great shop".into());
    feedback.stars = Some(3);
    let answer = svc.feedback().create(&feedback).send().await.expect("POST Feedback");
    assert!(answer.is_none());
    // A set with writes but no deletes: create and update work.
    let mut rate = fixture_cap_client::model::catalog_service::ExchangeRates::default();
    rate.year = Some(2025);
    rate.currency = Some("EUR".into());
    rate.rate = Some(parse_decimal("1").unwrap());
    svc.exchange_rates().create(&rate).send().await.expect("POST ExchangeRates");
    let mut patch = fixture_cap_client::model::catalog_service::ExchangeRates::default();
    patch.rate = Some(parse_decimal("1.5").unwrap());
    let patched = svc.exchange_rates().by_key(2025, "EUR").update(&patch).send().await.expect("PATCH ExchangeRates");
    assert_eq!(patched.and_then(|r| r.rate), Some(parse_decimal("1.5").unwrap()));
}

/// What the client leaves out because the service's Capabilities restrictions forbid it, the
/// live service refuses: reading the insert-only `Feedback` (no `list` or `get` is generated)
/// and deleting a country (no `delete`).
async fn restrictions_are_the_service_s(client: &Client) {
    let read = Request::<serde_json::Value>::new(client, Method::GET, "Feedback".into()).send().await;
    let e = read.expect_err("GET Feedback is refused");
    assert_eq!(status(&e), 405, "{e}");
    let delete = Request::<()>::new(client, Method::DELETE, "Countries('DE')".into()).send().await;
    let e = delete.expect_err("DELETE Countries is refused");
    assert!(matches!(status(&e), 403 | 405), "{e}");
}

async fn etags(svc: &Svc) {
    let path = svc.orders().by_id(guid(ORDER_2));
    let read: Orders = path.get().send().await.expect("Orders(2)");
    let tag = odata_runtime::client::etag_of(&read).expect("the @odata.etag is kept");
    assert!(tag.starts_with("W/\""), "{tag}");

    // No tag at all: 428.
    let mut untagged = Orders::default();
    untagged.note = Some("no tag".into());
    let e = path.update(&untagged).send().await.expect_err("428");
    assert!(e.is_precondition_required(), "{e}");

    // The read entity carries its tag: the update applies.
    let mut changed = read.clone();
    changed.note = Some("changed once".into());
    let updated = path.update(&changed).send().await.expect("PATCH with the ETag").expect("the order");
    assert_eq!(updated.note.as_deref(), Some("changed once"));
    let new_tag = odata_runtime::client::etag_of(&updated).expect("a new tag");

    // The same (now stale) entity again: 412, typed.
    let mut stale = read.clone();
    stale.note = Some("lost update".into());
    let e = path.update(&stale).send().await.expect_err("412");
    assert!(e.is_precondition_failed(), "{e}");
    assert_eq!(status(&e), 412);
    // A tag set explicitly wins over the entity's.
    let e = path.delete().if_match("W/\"1999-01-01T00:00:00.000Z\"").send().await.expect_err("412 on delete");
    assert!(e.is_precondition_failed(), "{e}");
    let mut again = read.clone();
    again.note = Some("changed twice".into());
    path.update(&again).if_match(&new_tag).send().await.expect("PATCH with an explicit tag");
    path.delete().if_match_any().send().await.expect("DELETE with If-Match: *");
    let e = path.get().send().await.expect_err("deleted");
    assert_eq!(status(&e), 404, "{e}");
}

async fn drafts(svc: &Svc) {
    // Edit an active book as a draft, change the draft, activate it.
    let active = svc.books().by_key(book_id('4'), true);
    let draft = active.draft_edit(Some(true)).expect("body").send().await.expect("draftEdit").expect("the draft");
    assert_eq!(draft.is_active_entity, Some(false));
    let draft_path = svc.books().by_key(book_id('4'), false);
    let mut patch = Books::default();
    patch.title = Some("Eleonora (revised)".into());
    draft_path.update(&patch).send().await.expect("PATCH the draft");
    let activated = draft_path.draft_activate().expect("body").send().await.expect("draftActivate").expect("book");
    assert_eq!(activated.is_active_entity, Some(true));
    let book = active.get().send().await.expect("the active book");
    assert_eq!(book.title.as_deref(), Some("Eleonora (revised)"));
    let e = draft_path.get().send().await.expect_err("the draft is gone");
    assert_eq!(status(&e), 404, "{e}");
}

async fn media_and_singleton(svc: &Svc) {
    let attachment = svc.attachments().by_id(guid(ATTACHMENT));
    let content = attachment.content().get().send().await.expect("content");
    assert_eq!(content.bytes, b"Hello, world!");
    assert!(content.content_type.as_deref().is_some_and(|t| t.starts_with("text/plain")));
    attachment.content().put("application/json", b"{\"a\":1}".to_vec()).send().await.expect("PUT content");
    let content = attachment.content().get().send().await.expect("content again");
    assert_eq!(content.bytes, b"{\"a\":1}");
    assert!(content.content_type.as_deref().is_some_and(|t| t.starts_with("application/json")));
    let entity: Attachments = attachment.get().send().await.expect("the attachment");
    assert!(entity.id.is_some());

    let settings = svc.settings().get().send().await.expect("Settings");
    assert_eq!(settings.shop_name.as_deref(), Some("Test Shop"));
    let mut patch = Settings::default();
    patch.max_order_size = Some(20);
    let updated = svc.settings().update(&patch).send().await.expect("PATCH Settings").expect("settings");
    assert_eq!(updated.max_order_size, Some(20));
}
