// Search and browse for the hosted briefing site, on Pagefind's chunked index.
//
// The header box shows the first results as you type (kind, date, source and a
// snippet); Enter opens /explore/ with the query.  /explore/ lists results with
// facets (entity, entity type, tag, source, year, claim status) and keeps every
// choice in the URL, so a filtered view is a link.  Pagefind downloads only the
// index chunks and result fragments a query needs.

const FACETS = [
  ["kind", "Kind"],
  ["entity", "Entity"],
  ["type", "Entity type"],
  ["tag", "Tag"],
  ["source", "Source"],
  ["year", "Year"],
  ["status", "Claim status"],
];
// Facets a record has one value of: several chosen values mean "any of them".
// Entities, types and tags may be several on one record: chosen values must all be there.
const ANY_OF = new Set(["kind", "source", "year", "status"]);
// The entity facet is stored as one Pagefind filter per first letter of the id
// ("entity-a" … "entity-z", "entity-0" for the rest): a link naming one entity
// downloads that letter's small file, not every entity's list (155 KB at 10,000
// seeds).  Opening the facet loads them all.
const SPLIT = "entity";
const PARTS = [..."abcdefghijklmnopqrstuvwxyz0"].map((c) => `${SPLIT}-${c}`);
const partOf = (id) => `${SPLIT}-${/^[a-z]/.test(id) ? id[0] : "0"}`;
// Pagefind's counts with the split facet's parts added up under its own name.
function joinParts(counts) {
  const out = { ...(counts || {}) };
  const joined = {};
  for (const part of PARTS) Object.assign(joined, out[part] || {});
  if (Object.keys(joined).length) out[SPLIT] = joined;
  return out;
}
const KIND_LABELS = { briefing: "Briefing", entity: "Entity", event: "Event" };
const TYPE_LABELS = {
  company: "Company", person: "Person", product: "Product", organization: "Organization",
  government: "Government", media: "Media", place: "Place", other: "Other",
};
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const PAGE = 20;
// Every briefing and event carries this word in its metadata: browsing without a
// query searches for it, which downloads one index chunk (a search without words
// would download all of them).  With neutral ranking the results keep the index's
// order, newest first.
const BROWSE_WORD = "zzbrowse";
const NEUTRAL = { termFrequency: 0, pageLength: 0, termSaturation: 0, termSimilarity: 0 };
const DEFAULT_RANKING = { termFrequency: 1, pageLength: 0.75, termSaturation: 1.4, termSimilarity: 1 };
const SHOWN_VALUES = 8;

function siteRoot() {
  const config = document.getElementById("__config");
  let base = ".";
  try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* the page's own folder */ }
  return new URL(base.endsWith("/") ? base : base + "/", location.href);
}

// The index is split into shards, each a Pagefind index of its own (so a build
// re-indexes only the shards whose records changed); pagefind/shards.json lists
// their folders, newest records first: each shard holds a run of consecutive days.
// They are merged into one Pagefind instance per mode.  Searching ranks the results
// by relevance.  Browsing (no words) must list them newest first, and Pagefind's
// merged results are ordered by score alone, which the shards' sizes change (the list
// once jumped from the newest shard to the smallest): so each shard is tagged with a
// filter of its own (SHARD: Pagefind's mergeFilter, added in the browser), searched
// on its own (without a query a shard lists its records in the order they were
// added, newest first), and the shards' lists are joined in order.
const SHARD = "bf-shard";
let module = null;
let memory = null;
const instances = {};
function loadPagefind() {
  if (!module) {
    const root = siteRoot();
    module = Promise.all([
      import(new URL("pagefind/pagefind.js", root).href),
      fetch(new URL("pagefind/shards.json", root)).then((r) => r.json()),
    ]);
  }
  return module;
}
// Every instance shares Pagefind's one WebAssembly memory, which the first instance to
// start sets up; two started side by side each made one, and one of them then read
// the other's memory ("memory access out of bounds").  So an instance starts only once
// the first has finished starting (an empty search waits for that and downloads nothing).
async function startInstance(pf, options) {
  if (memory) await memory;
  const instance = pf.createInstance(options);
  if (!memory) memory = instance.search("").then(() => undefined);
  await memory;
  return instance;
}
function pagefind(browse = false) {
  const mode = browse ? "browse" : "query";
  if (!instances[mode]) {
    instances[mode] = loadPagefind().then(async ([pf, shards]) => {
      const root = siteRoot();
      const folder = (name) => new URL(`pagefind/${name}/`, root).pathname;
      // In the page rather than a worker: the worker is a second copy of the script (41 KB),
      // and a search takes milliseconds.
      const common = { baseUrl: root.pathname, excerptLength: 24, ranking: browse ? NEUTRAL : DEFAULT_RANKING };
      const tag = (name) => (browse ? { mergeFilter: { [SHARD]: [name] } } : {});
      const instance = await startInstance(pf, { ...common, ...tag(shards[0]), basePath: folder(shards[0]), noWorker: true });
      for (const name of shards.slice(1)) await instance.mergeIndex(folder(name), { ...common, ...tag(name) });
      return browse ? { search: (term, options) => browseShards(instance, shards, term, options) } : instance;
    });
  }
  return instances[mode];
}
// Each shard searched on its own, the lists joined in the shards' order (newest first);
// the filters' counts (each search's are its shard's) added up, the shard tag left out.
async function browseShards(instance, shards, term, options) {
  const found = [];
  for (const name of shards) {
    const filters = { ...(options.filters || {}), [SHARD]: [name] };
    found.push(await instance.search(term, { ...options, filters }));
  }
  const filters = {};
  for (const f of found) {
    for (const [facet, values] of Object.entries(f.filters || {})) {
      if (facet === SHARD) continue;
      const into = filters[facet] || (filters[facet] = {});
      for (const [value, n] of Object.entries(values)) into[value] = (into[value] || 0) + n;
    }
  }
  return {
    results: found.flatMap((f) => f.results),
    filters,
    // the counts without filters are the whole index's in every one of the searches
    totalFilters: found[0].totalFilters,
    unfilteredResultCount: found[0].unfilteredResultCount,
  };
}
// Browsing without a query searches for the word every dated record carries.
async function runSearch(query, options) {
  const browse = !query;
  const pf = await pagefind(browse);
  return pf.search(browse ? BROWSE_WORD : query, options);
}

// An entity's name, alias or id finds its card first: the build writes every name into
// one of NAME_BUCKETS small files (explore/names/<n>.json, by a sum of the name's code
// points, as generator/pages/explore.py does), and a query equal to one shows the card
// as the best match above the ranked results, however many pages name the entity.
const NAME_BUCKETS = 256;
const nameFiles = {};
function nameKey(text) {
  return text.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
}
async function cardsNamed(query) {
  const key = nameKey(query || "");
  if (!key) return [];
  let sum = 0;
  for (const ch of key) sum += ch.codePointAt(0);
  const bucket = sum % NAME_BUCKETS;
  if (!nameFiles[bucket]) {
    nameFiles[bucket] = fetch(new URL(`explore/names/${bucket}.json`, siteRoot()))
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
  }
  const found = (await nameFiles[bucket])[key] || [];
  return found.map(([url, title, type]) => ({
    url: new URL(url, siteRoot()).pathname, excerpt: "", meta: { kind: "entity", type, title },
  }));
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "text") node.textContent = value;
    else if (key === "html") node.innerHTML = value; // only Pagefind's excerpts (escaped, with <mark>)
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// A facet value "Name|id" shows the name and puts the id in the URL.
function valueId(facet, value) {
  return facet === "entity" || facet === "source" ? value.slice(value.lastIndexOf("|") + 1) : value;
}
function valueLabel(facet, value) {
  if (facet === "entity" || facet === "source") return value.slice(0, value.lastIndexOf("|"));
  if (facet === "type") return TYPE_LABELS[value] || value;
  if (facet === "kind") return KIND_LABELS[value] || value;
  if (facet === "status") return value.replace(/-/g, " ");
  return value;
}

function dateWords(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : iso || "";
}

function kindLabel(meta) {
  return meta.kind === "entity" ? TYPE_LABELS[meta.type] || "Entity" : KIND_LABELS[meta.kind] || "";
}

// Claims of a briefing that the query matched (by the words' positions) or whose
// status, or the later word on it, is chosen: [{anchor, status, later, by, text}].
// The metadata has "claim-N:status" for each claim, with ":later status:who" when
// later word moved its thread elsewhere (a report later confirmed).
function claimsOf(data, statuses) {
  const status = {};
  const later = {};
  for (const part of (data.meta.claims || "").split(";")) {
    const [anchor, value, now, by] = part.split(":");
    if (!anchor) continue;
    status[anchor] = value;
    if (now) later[anchor] = { status: now, by: decodeURIComponent(by || "") };
  }
  const chosen = (a) => statuses.includes(status[a]) || (later[a] && statuses.includes(later[a].status));
  const anchors = (data.anchors || []).filter((a) => a.id && a.id.startsWith("claim-"));
  const all = (data.anchors || []).slice().sort((a, b) => a.location - b.location);
  const hit = new Set();
  for (const loc of data.locations || []) {
    let current = null;
    for (const a of all) {
      if (a.location <= loc) current = a;
      else break;
    }
    if (current && current.id.startsWith("claim-")) hit.add(current.id);
  }
  return anchors
    .filter((a) => hit.has(a.id) || (statuses.length && chosen(a.id)))
    .map((a) => ({ anchor: a.id, status: status[a.id] || "", later: later[a.id] || null,
      text: (a.text || "").trim() }));
}

function resultItem(data, statuses, browsing = false, tag = "li") {
  const meta = data.meta || {};
  const date = meta.kind === "briefing" ? dateWords(meta.date) : meta.date || "";
  const facts = [kindLabel(meta), date, meta.source].filter(Boolean).join(" · ");
  const item = el(tag, { class: `bf-result bf-result--${meta.kind || "page"}` },
    el("a", { class: "bf-result__title", href: data.url, text: meta.title || data.url }),
    el("span", { class: "bf-result__meta", text: facts }),
    data.excerpt && !(browsing && meta.kind === "event")
      ? el("span", { class: "bf-result__excerpt", html: data.excerpt }) : null);
  if (meta.kind === "briefing") {
    const claims = claimsOf(data, statuses);
    if (claims.length) {
      const list = el("ul", { class: "bf-result__claims" });
      for (const c of claims.slice(0, 4)) {
        const word = c.later
          ? el("span", { class: "bf-result__later", text: `; later ${c.later.status.replace(/-/g, " ")}`
            + (c.later.by ? ` by ${c.later.by}` : " (the latest words disagree)") })
          : null;
        list.append(el("li", {},
          el("span", { class: `bf-status bf-status-${c.status}`, text: c.status.replace(/-/g, " ") }), word, " ",
          el("a", { href: `${data.url}#${c.anchor}`, text: c.text || "claim" })));
      }
      item.append(list);
    }
  }
  return item;
}

// --- the header box -------------------------------------------------------------------

function headerSearch(form) {
  if (form.dataset.bfBound) return; // Material's instant navigation keeps the header
  form.dataset.bfBound = "1";
  const input = form.querySelector("input[name=q]");
  const box = form.querySelector(".bf-search__results");
  let timer = null;
  let current = -1;
  let asked = 0;

  const links = () => Array.from(box.querySelectorAll("a.bf-result__title, a.bf-search__all"));
  const close = () => {
    box.hidden = true;
    input.setAttribute("aria-expanded", "false");
    current = -1;
  };
  const focusItem = (n) => {
    const all = links();
    if (!all.length) return;
    current = (n + all.length) % all.length;
    all[current].focus();
  };

  async function run() {
    const query = input.value.trim();
    const ticket = ++asked;
    if (!query) { close(); return; }
    const [search, cards] = await Promise.all([runSearch(query, {}), cardsNamed(query)]);
    if (ticket !== asked || !search) return;
    const ranked = await Promise.all(search.results.slice(0, 6).map((r) => r.data()));
    if (ticket !== asked) return;
    const pinned = new Set(cards.map((c) => c.url));
    const shown = [...cards, ...ranked.filter((d) => !pinned.has(d.url))].slice(0, 6);
    box.replaceChildren();
    const list = el("ul", { class: "bf-search__list" });
    for (const data of shown) list.append(resultItem(data, []));
    box.append(shown.length ? list : el("p", { class: "bf-search__none", text: "Nothing found." }));
    const all = new URL(form.action);
    all.searchParams.set("q", query);
    box.append(el("a", { class: "bf-search__all", href: all.href,
      text: `All ${search.results.length} results, with filters →` }));
    box.hidden = false;
    input.setAttribute("aria-expanded", "true");
    current = -1;
  }

  input.addEventListener("focus", () => { pagefind().catch(() => null); }, { once: true });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run().catch(() => close()), 150);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); focusItem(current + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); focusItem(current - 1); }
    else if (event.key === "Escape") { close(); input.focus(); }
  });
  document.addEventListener("click", (event) => { if (!form.contains(event.target)) close(); });
  // "/" focuses the box, as in Material's own search.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key === "/" && !(target instanceof HTMLInputElement) && !(target instanceof HTMLTextAreaElement)) {
      event.preventDefault();
      input.focus();
    }
  });
}

// --- /explore/ --------------------------------------------------------------------------

function readState() {
  const params = new URLSearchParams(location.search);
  const state = { q: params.get("q") || "", chosen: {} };
  for (const [facet] of FACETS) state.chosen[facet] = params.getAll(facet);
  return state;
}

function writeState(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [facet] of FACETS) for (const id of state.chosen[facet]) params.append(facet, id);
  const query = params.toString();
  const url = location.pathname + (query ? `?${query}` : "");
  if (url !== location.pathname + location.search) history.pushState(null, "", url);
}

async function explore(mount) {
  const all = {}; // facet → its values with counts, for the facets loaded so far
  const state = readState();
  await pagefind(!state.q);

  const input = el("input", { type: "search", class: "bf-explore__query", id: "bf-explore-q",
    placeholder: "Words to look for (optional)", value: state.q, autocomplete: "off" });
  const status = el("p", { class: "bf-explore__status", role: "status", "aria-live": "polite" });
  const facets = el("div", { class: "bf-explore__facets" });
  const best = el("ul", { class: "bf-explore__best", "aria-label": "Best match", hidden: true });
  const list = el("ol", { class: "bf-explore__results" });
  const more = el("button", { type: "button", class: "md-button bf-explore__more", hidden: true, text: "Show more" });
  const clear = el("button", { type: "button", class: "bf-explore__clear", text: "Clear all" });
  mount.replaceChildren(
    el("form", { class: "bf-explore__form", role: "search" },
      el("label", { for: "bf-explore-q", class: "bf-explore__label", text: "Search" }), input, clear),
    el("div", { class: "bf-explore__body" },
      el("aside", { class: "bf-explore__aside", "aria-label": "Filters" }, facets),
      el("section", { class: "bf-explore__main", "aria-label": "Results" }, status, best, list, more)));

  const valueFor = (facet, id) => Object.keys(all[facet] || {}).find((v) => valueId(facet, v) === id);
  const expanded = new Set();
  let ticket = 0;
  let results = [];
  let shown = 0;

  // Facets whose counts are shown: those a reader opened or chose values in.  Each
  // facet is one file of Pagefind's, downloaded when it is first needed.
  const opened = new Set();
  const shownFacets = () => FACETS.map(([f]) => f).filter((f) => opened.has(f) || state.chosen[f].length);

  // The Pagefind filters of a facet: its own name, or the split facet's parts (all of
  // them when it is open, else those of the chosen values).
  const partsOf = (facet) => (facet !== SPLIT ? [facet]
    : opened.has(facet) ? PARTS : [...new Set(state.chosen[facet].map(partOf))]);

  function filters() {
    const out = {};
    for (const facet of shownFacets()) {
      const values = state.chosen[facet].map((id) => valueFor(facet, id) || id);
      if (facet === SPLIT) {
        for (const part of partsOf(facet)) {
          out[part] = values.filter((v, i) => partOf(state.chosen[facet][i]) === part);
        }
        continue;
      }
      // an empty list narrows nothing but has Pagefind load the facet and count it
      out[facet] = values.length && ANY_OF.has(facet) ? { any: values } : values;
    }
    return out;
  }

  // Chosen values in the URL name ids; the facet's values ("Name|id") come with its file.
  const loaded = new Set();
  async function loadValues() {
    const missing = shownFacets().flatMap(partsOf).filter((f) => !loaded.has(f));
    if (!missing.length) return;
    const counts = await runSearch(state.q, { filters: Object.fromEntries(missing.map((f) => [f, []])) });
    const got = { ...(counts && counts.filters), ...(counts && counts.totalFilters) };
    for (const f of missing) {
      loaded.add(f);
      const facet = f.startsWith(`${SPLIT}-`) ? SPLIT : f;
      all[facet] = { ...(all[facet] || {}), ...(got[f] || {}) };
    }
  }

  async function showMore() {
    const mine = ticket;
    const next = results.slice(shown, shown + PAGE);
    const datas = await Promise.all(next.map((r) => r.data()));
    if (mine !== ticket) return;
    for (const data of datas) list.append(resultItem(data, state.chosen.status, !state.q));
    shown += next.length;
    more.hidden = shown >= results.length;
  }

  function renderFacets(counts) {
    const open = new Set(Array.from(facets.querySelectorAll("details[open]")).map((d) => d.dataset.facet));
    facets.replaceChildren();
    for (const [facet, title] of FACETS) {
      const chosen = new Set(state.chosen[facet]);
      const entries = Object.entries(counts[facet] || {})
        .filter(([value, n]) => n > 0 || chosen.has(valueId(facet, value)))
        .sort((a, b) => (facet === "year" ? b[0].localeCompare(a[0]) : b[1] - a[1] || valueLabel(facet, a[0]).localeCompare(valueLabel(facet, b[0]))));
      if (!opened.has(facet) && !chosen.size) {
        const details = el("details", { class: "bf-facet", "data-facet": facet }, el("summary", { text: title }));
        details.addEventListener("toggle", () => {
          if (details.open && !opened.has(facet)) {
            opened.add(facet);
            update(false).then(() => facets.querySelector(`details[data-facet="${facet}"] summary`)?.focus());
          }
        });
        facets.append(details);
        continue;
      }
      if (!entries.length) {
        facets.append(el("details", { class: "bf-facet", "data-facet": facet, open: true },
          el("summary", { text: title }), el("p", { class: "bf-facet__none", text: "None here." })));
        continue;
      }
      const visible = expanded.has(facet) ? entries
        : entries.filter(([v], i) => i < SHOWN_VALUES || chosen.has(valueId(facet, v)));
      const group = el("fieldset", { class: "bf-facet__values" }, el("legend", { class: "bf-visually-hidden", text: title }));
      for (const [value, n] of visible) {
        const id = valueId(facet, value);
        const box = el("input", { type: "checkbox", name: facet, value: id, checked: chosen.has(id) });
        box.addEventListener("change", () => {
          state.chosen[facet] = box.checked ? [...state.chosen[facet], id] : state.chosen[facet].filter((x) => x !== id);
          update(true).then(() => facets.querySelector(`input[name="${facet}"][value="${CSS.escape(id)}"]`)?.focus());
        });
        group.append(el("label", { class: "bf-facet__value" }, box,
          el("span", { class: "bf-facet__name", text: valueLabel(facet, value) }),
          el("span", { class: "bf-facet__count", text: String(n) })));
      }
      if (facet === SPLIT && !opened.has(facet)) {
        // only the chosen entities' letters are loaded: offer the rest
        const every = el("button", { type: "button", class: "bf-facet__toggle", text: "Every entity" });
        every.addEventListener("click", () => {
          opened.add(facet);
          update(false).then(() => facets.querySelector(`details[data-facet="${facet}"] summary`)?.focus());
        });
        group.append(every);
      } else if (entries.length > visible.length || expanded.has(facet)) {
        const toggle = el("button", { type: "button", class: "bf-facet__toggle",
          text: expanded.has(facet) ? "Fewer" : `All ${entries.length}` });
        toggle.addEventListener("click", () => {
          if (expanded.has(facet)) expanded.delete(facet); else expanded.add(facet);
          renderFacets(counts);
          facets.querySelector(`details[data-facet="${facet}"] .bf-facet__toggle`)?.focus();
        });
        group.append(toggle);
      }
      const details = el("details", { class: "bf-facet", "data-facet": facet,
        open: chosen.size > 0 || open.has(facet) || opened.has(facet) },
        el("summary", { text: chosen.size ? `${title} (${chosen.size})` : title }), group);
      details.addEventListener("toggle", () => {
        if (details.open) opened.add(facet); else opened.delete(facet);
      });
      facets.append(details);
    }
  }

  async function update(push) {
    const mine = ++ticket;
    state.q = input.value.trim();
    if (push) writeState(state);
    status.textContent = "Searching…";
    await loadValues();
    // the card an exact name finds, unless a chosen kind or type leaves entities out
    const kinds = state.chosen.kind;
    const named = state.q && (!kinds.length || kinds.includes("entity")) ? cardsNamed(state.q) : [];
    const [search, cards] = await Promise.all([runSearch(state.q, { filters: filters() }), named]);
    if (mine !== ticket) return;
    const types = state.chosen.type;
    const matching = cards.filter((c) => !types.length || types.includes(c.meta.type));
    best.replaceChildren(...matching.map((c) => resultItem(c, [])));
    best.hidden = !matching.length;
    results = search ? search.results : [];
    shown = 0;
    list.replaceChildren();
    const chosen = FACETS.flatMap(([f]) => state.chosen[f].map((id) => {
      const v = valueFor(f, id);
      return v ? valueLabel(f, v) : id;
    }));
    status.textContent = `${results.length} ${results.length === 1 ? "result" : "results"}`
      + (state.q ? ` for “${state.q}”` : "") + (chosen.length ? ` · ${chosen.join(" · ")}` : "")
      + (state.q ? " · best matches first" : " · newest first");
    renderFacets(joinParts(search ? search.filters : {}));
    await showMore();
  }

  let typing = null;
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => update(true), 250);
  });
  mount.querySelector("form").addEventListener("submit", (event) => { event.preventDefault(); update(true); });
  clear.addEventListener("click", () => {
    input.value = "";
    for (const [facet] of FACETS) state.chosen[facet] = [];
    update(true);
  });
  more.addEventListener("click", () => showMore());
  window.addEventListener("popstate", () => {
    const next = readState();
    input.value = next.q;
    state.chosen = next.chosen;
    update(false);
  });
  mount.classList.add("bf-explore--ready");
  await update(false);
}

function start() {
  for (const form of document.querySelectorAll("form[data-bf-search]")) headerSearch(form);
  const mount = document.getElementById("bf-explore");
  if (mount && location.protocol !== "file:") {
    explore(mount).catch(() => {
      mount.classList.add("bf-explore--failed"); // the page's own text stays: it says what to do
    });
  }
}

// Material swaps pages without reloading when navigation.instant is on.
if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(start);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
