// Handlers for the custom operations of CatalogService. Results are deterministic.
const cds = require('@sap/cds')

const round2 = (n) => Math.round(n * 100) / 100

// CAP ignores `Prefer: odata.maxpagesize`. This lowers the page size CAP would use (default
// 1000, or @cds.query.limit) for a collection read from the OData adapter, so that CAP's own
// paging adds @odata.nextLink with a $skiptoken whenever a page is full.
function applyMaxPageSize(req) {
  if (req.event !== 'READ' || !req.protocol || !req.http?.req) return
  const SELECT = req.query?.SELECT
  if (!SELECT || SELECT.one) return
  // req.headers are those of the (batch sub-)request; req.http is the HTTP exchange.
  const prefer = req.headers?.prefer ?? req.http.req.headers.prefer ?? ''
  const m = /(?:^|[\s,;])odata\.maxpagesize\s*=\s*"?(\d+)"?/i.exec(prefer)
  const size = m && Number(m[1])
  if (!size) return
  const rows = SELECT.limit?.rows?.val
  if (rows == null || rows > size) SELECT.limit = { ...SELECT.limit, rows: { val: size } }
  if (!req.http.res.headersSent) req.http.res.set('Preference-Applied', `odata.maxpagesize=${size}`)
}

class CatalogService extends cds.ApplicationService {
  async init() {
    const db = cds.entities('test.shop')
    const { Books, Orders } = this.entities

    // Reads the active book with ID through this service, so the result carries draft fields.
    const activeBook = (ID) => SELECT.one.from(Books).where({ ID, IsActiveEntity: true })
    const order = (ID) => SELECT.one.from(Orders).where({ ID })

    const itemsTotal = (items) =>
      round2((items || []).reduce((sum, i) => sum + (Number(i.quantity) || 0) * (Number(i.price) || 0), 0))

    // ---- Orders: orderNo is @readonly, total is @Core.Computed: both set here.
    this.before('CREATE', 'Orders', async (req) => {
      const { max } = await SELECT.one`max(orderNo) as max`.from(db.Orders)
      req.data.orderNo = Math.max(Number(max) || 0, 1000) + 1
      req.data.total = itemsTotal(req.data.items)
    })
    this.before('UPDATE', 'Orders', (req) => {
      if (Array.isArray(req.data.items)) req.data.total = itemsTotal(req.data.items)
    })

    // ---- Books, bound to an instance
    this.on('restock', 'Books', async (req) => {
      const { ID } = req.params[0]
      const { amount } = req.data
      const n = await UPDATE(db.Books, ID).with({ stock: { '+=': amount } })
      if (!n) return req.reject(404, `Book ${ID} not found`)
      return this.run(activeBook(ID))
    })

    this.on('setGenre', 'Books', async (req) => {
      const { ID } = req.params[0]
      const n = await UPDATE(db.Books, ID).with({ genre: req.data.genre })
      if (!n) return req.reject(404, `Book ${ID} not found`)
      return this.run(activeBook(ID))
    })

    this.on('stockValue', 'Books', async (req) => {
      const { ID } = req.params[0]
      const book = await SELECT.one.from(db.Books, ID).columns('stock', 'price', 'currency')
      if (!book) return req.reject(404, `Book ${ID} not found`)
      const discount = req.data.discountPercent == null ? 0 : Number(req.data.discountPercent)
      const amount = round2(((book.stock || 0) * Number(book.price || 0) * (100 - discount)) / 100)
      return { amount, currency: book.currency }
    })

    this.on('chapterTitles', 'Books', async (req) => {
      const { ID } = req.params[0]
      const rows = await SELECT.from(db.Chapters).columns('title').where({ book_ID: ID }).orderBy('number')
      return rows.map((r) => r.title)
    })

    // ---- Books, bound to the collection
    this.on('countByGenre', 'Books', async (req) => {
      const { genre } = req.data
      const q = SELECT.one`count(1) as n`.from(db.Books)
      if (genre != null) q.where({ genre })
      const { n } = await q
      return n
    })

    // ---- Orders, bound to an instance
    this.on('ship', 'Orders', async (req) => {
      const { ID } = req.params[0]
      const { address, urgent, tags, note } = req.data
      const parts = [note, ...(tags || [])].filter((s) => s != null && s !== '')
      const data = {
        shipTo_street: address.street ?? null,
        shipTo_city: address.city ?? null,
        shipTo_postalCode: address.postalCode ?? null,
        shipTo_country: address.country ?? null,
        shippedAt: '2024-06-01T12:00:00Z',
        note: parts.length ? parts.join(', ') : null,
      }
      if (urgent != null) data.urgent = urgent
      const n = await UPDATE(db.Orders, ID).with(data)
      if (!n) return req.reject(404, `Order ${ID} not found`)
      return this.run(order(ID))
    })

    this.on('itemCount', 'Orders', async (req) => {
      const { ID } = req.params[0]
      const { n } = await SELECT.one`count(1) as n`.from(db.OrderItems).where({ parent_ID: ID })
      return n
    })

    // ---- Orders, bound to the collection
    this.on('recalculate', 'Orders', async () => {
      // Only orders whose total changes are written, so their ETags stay as they are otherwise.
      const orders = await SELECT.from(db.Orders).columns('ID', 'total')
      let changed = 0
      for (const { ID, total } of orders) {
        const items = await SELECT.from(db.OrderItems).columns('quantity', 'price').where({ parent_ID: ID })
        const sum = itemsTotal(items)
        if (Number(total) !== sum) {
          await UPDATE(db.Orders, ID).with({ total: sum })
          changed++
        }
      }
      return changed
    })

    // ---- Unbound functions
    this.on('totalStock', async () => {
      const { total } = await SELECT.one`sum(stock) as total`.from(db.Books)
      return total || 0
    })

    this.on('topBooks', async (req) => {
      const count = req.data.count == null ? 3 : req.data.count
      return this.run(SELECT.from(Books).where({ IsActiveEntity: true }).orderBy('stock desc', 'title').limit(count))
    })

    this.on('bookByTitle', async (req) => {
      const hit = await SELECT.one.from(db.Books).columns('ID').where({ title: req.data.title })
      return hit ? this.run(activeBook(hit.ID)) : null
    })

    this.on('inventory', async () => {
      const books = await SELECT.from(db.Books).columns('stock', 'price', 'genre')
      const { n: authors } = await SELECT.one`count(1) as n`.from(db.Authors)
      const genres = [...new Set(books.map((b) => b.genre).filter(Boolean))].sort()
      return {
        books: books.length,
        authors,
        totalStock: books.reduce((s, b) => s + (b.stock || 0), 0),
        value: round2(books.reduce((s, b) => s + (b.stock || 0) * Number(b.price || 0), 0)),
        genres,
      }
    })

    const echo = (req) => {
      const out = {}
      for (const k of ['text', 'int32', 'int64', 'decimal', 'double', 'flag', 'day', 'time', 'dateTime',
        'timestamp', 'uuid', 'genre', 'priority', 'numbers', 'tags', 'address']) {
        out[k] = req.data[k] === undefined ? null : req.data[k]
      }
      return out
    }
    this.on('echo', echo)
    this.on('echoAction', echo)

    // ---- Unbound actions
    this.on('submitOrder', async (req) => {
      const { shipTo, lines, priority } = req.data
      if (!Array.isArray(lines) || !lines.length) return req.reject(400, 'lines must not be empty', 'lines')
      const items = []
      for (const line of lines) {
        const book = await SELECT.one.from(db.Books, line.book).columns('ID', 'price')
        if (!book) return req.reject(400, `Unknown book ${line.book}`)
        items.push({ book_ID: book.ID, quantity: line.quantity, price: book.price })
      }
      const ID = cds.utils.uuid()
      await this.run(
        INSERT.into(Orders).entries({
          ID,
          shipTo_street: shipTo.street ?? null,
          shipTo_city: shipTo.city ?? null,
          shipTo_postalCode: shipTo.postalCode ?? null,
          shipTo_country: shipTo.country ?? null,
          priority: priority ?? 2,
          items,
        }),
      )
      return this.run(order(ID))
    })

    this.on('ping', () => {})

    await super.init()

    // Wrap after super.init(): draft support installs its own handle() on the instance.
    const handle = this.handle
    this.handle = function (req) {
      applyMaxPageSize(req)
      return handle.call(this, req)
    }
  }
}

module.exports = CatalogService
