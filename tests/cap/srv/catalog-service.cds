using { test.shop as db } from '../db/schema';

/** Served at /odata/v4/catalog. */
service CatalogService @(path: 'catalog') {

  type Genre    : db.Genre;
  type Priority : db.Priority;
  type Address  : db.Address;
  type Money    : db.Money;

  type OrderLine {
    book     : UUID;
    quantity : Integer;
  }

  type Summary {
    books      : Integer;
    authors    : Integer;
    totalStock : Integer;
    value      : Decimal(13, 2);
    genres     : many Genre;
  }

  /** Echoes its parameters back, one of each kind. */
  type Echo {
    text      : String;
    int32     : Integer;
    int64     : Int64;
    decimal   : Decimal(9, 2);
    double    : Double;
    flag      : Boolean;
    day       : Date;
    time      : Time;
    dateTime  : DateTime;
    timestamp : Timestamp;
    uuid      : UUID;
    genre     : Genre;
    priority  : Priority;
    numbers   : many Integer;
    tags      : many String;
    address   : Address;
  }

  entity Authors as projection on db.Authors;

  /** Draft-enabled; @odata.draft.bypass also allows PATCH/PUT/DELETE on active instances. */
  @odata.draft.enabled
  @odata.draft.bypass
  entity Books   as projection on db.Books actions {
    /** Adds `amount` to stock and returns the book. */
    action   restock(amount : Integer not null)                  returns Books;
    /** Sets the genre (an enum parameter) and returns the book. */
    action   setGenre(genre : Genre not null)                    returns Books;
    /** stock * price, less an optional discount in percent. */
    function stockValue(discountPercent : Decimal(5, 2))        returns Money;
    /** The chapter titles, in order. */
    function chapterTitles()                                     returns many String;
    /** Bound to the collection: how many books have the genre (all when null). */
    @cds.odata.bindingparameter.collection
    function countByGenre(genre : Genre)                         returns Integer;
  };

  entity Orders  as projection on db.Orders {
    *,
    orderNo    @readonly,
    modifiedAt @odata.etag
  } actions {
    /** Sets the address, urgency and note; tags are joined into the note. */
    action   ship(address : Address not null, urgent : Boolean, tags : many String, note : String null) returns Orders;
    /** Number of items. */
    function itemCount()                                         returns Integer;
    /** Bound to the collection: recomputes every order's total, returns how many changed. */
    @cds.odata.bindingparameter.collection
    action   recalculate()                                       returns Integer;
  };

  @Capabilities.DeleteRestrictions.Deletable: false
  entity ExchangeRates as projection on db.ExchangeRates;

  /** Server-driven paging without asking: at most 2 rows per response. */
  @readonly
  @cds.query.limit.max: 2
  entity Countries     as projection on db.Countries;

  entity Attachments   as projection on db.Attachments;

  @insertonly
  entity Feedback      as projection on db.Feedback;

  @odata.singleton
  entity Settings      as projection on db.Settings;

  /** Sum of stock over all books. */
  function totalStock()                                          returns Integer;
  /** The `count` books with the highest stock (ties by title). */
  function topBooks(count : Integer)                             returns many Books;
  /** The book with exactly this title, or null. */
  function bookByTitle(title : String not null)                  returns Books;
  /** Counts and totals over the catalog. */
  function inventory()                                           returns Summary;
  /** Echoes primitive and enum parameters given in the URL. */
  function echo(text : String, int32 : Integer, int64 : Int64, decimal : Decimal(9, 2), double : Double,
                flag : Boolean, day : Date, time : Time, dateTime : DateTime, timestamp : Timestamp,
                uuid : UUID, genre : Genre, priority : Priority)  returns Echo;
  /** Echoes parameters given in the body, including collections and a structure. */
  action   echoAction(text : String, int32 : Integer, int64 : Int64, decimal : Decimal(9, 2), double : Double,
                      flag : Boolean, day : Date, time : Time, dateTime : DateTime, timestamp : Timestamp,
                      uuid : UUID, genre : Genre, priority : Priority, numbers : many Integer,
                      tags : many String, address : Address) returns Echo;
  /** Creates an order from lines; a structured parameter and a collection of structures. */
  action   submitOrder(shipTo : Address not null, lines : many OrderLine not null, priority : Priority) returns Orders;
  /** Returns nothing (204). */
  action   ping();
}
