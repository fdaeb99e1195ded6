namespace test.shop;

using { cuid, managed } from '@sap/cds/common';

/** A string enum: values are the symbol names unless given; other values are rejected. */
@assert.range
type Genre : String(20) enum {
  Fiction;
  Science;
  History;
  Poetry = 'POE';
}

/** An integer enum. */
@assert.range
type Priority : Integer enum {
  Low    = 1;
  Medium = 2;
  High   = 3;
}

/** A structured type, used as an entity property and as an action parameter. */
type Address {
  street     : String(100);
  city       : String(60);
  postalCode : String(10);
  country    : String(2);
}

type Money {
  amount   : Decimal(11, 2);
  currency : String(3);
}

/** Integer key, structured property, to-many association. */
entity Authors {
  key ID          : Integer;
      name        : String(100) not null;
      dateOfBirth : Date;
      address     : Address;
      books       : Association to many Books on books.author = $self;
}

/** UUID key, managed, draft-enabled in the service, localized title, composition of Chapters. */
entity Books : cuid, managed {
  title     : localized String(111) not null;
  genre     : Genre;
  author    : Association to Authors;
  stock     : Integer default 0;
  price     : Decimal(9, 2);
  currency  : String(3) default 'EUR';
  published : Date;
  rating    : Double;
  chapters  : Composition of many Chapters on chapters.book = $self;
}

/** Composite key: the parent association plus a number. */
entity Chapters {
  key book   : Association to Books;
  key number : Integer;
      title  : String(100);
      pages  : Integer;
}

/** Managed, with an ETag on modifiedAt; composition for deep insert; one property of each primitive kind. */
entity Orders : cuid, managed {
  orderNo      : Int64;
  priority     : Priority default 2;
  note         : String(255);
  orderDate    : Date;
  deliveryTime : Time;
  shippedAt    : DateTime;
  confirmedAt  : Timestamp;
  urgent       : Boolean default false;
  weight       : Double;
  trackingId   : UUID;
  total        : Decimal(11, 2) @Core.Computed;
  shipTo       : Address;
  items        : Composition of many OrderItems on items.parent = $self;
}

entity OrderItems : cuid {
  parent   : Association to Orders;
  book     : Association to Books;
  quantity : Integer;
  price    : Decimal(9, 2);
}

/** Composite key of two primitives. */
entity ExchangeRates {
  key year     : Integer;
  key currency : String(3);
      rate     : Decimal(12, 6);
}

/** String key, read-only in the service. */
entity Countries {
  key code : String(2);
      name : String(60);
}

/** Media: a stream property whose content type is held in mediaType. */
entity Attachments : cuid {
  fileName  : String(100);
  mediaType : String(100) @Core.IsMediaType;
  content   : LargeBinary @Core.MediaType: mediaType;
}

/** Insert-only in the service. */
entity Feedback : cuid {
  message   : String(500);
  stars     : Priority;
  createdAt : Timestamp @cds.on.insert: $now;
}

/** One row, served as a singleton. */
entity Settings {
  key ID           : Integer;
      shopName     : String(60);
      maintenance  : Boolean;
      maxOrderSize : Integer;
}
