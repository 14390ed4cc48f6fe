// The ScimProvisioning dashboard: a thin client of the admin API (/client/v4/accounts/{id}/...). The token lives in
// sessionStorage (this tab only) and travels in the Authorization header, never in a URL.
"use strict";

const state = {
  account: null, token: null, view: "members", memberPage: 1, memberQuery: "",
  openGroup: null, groupMemberPage: 1, openMember: null, roles: [], openEntry: null, openReceiver: null,
};
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}

function show(message, ok = false) {
  const box = $("message");
  box.textContent = message;
  box.className = ok ? "ok" : "";
  box.hidden = !message;
}

async function api(path, options = {}) {
  const response = await fetch(`/client/v4/accounts/${state.account}${path}`, {
    ...options,
    headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json", ...(options.headers || {}) },
  });
  let body = null;
  try { body = await response.json(); } catch { /* empty body */ }
  if (!response.ok || (body && body.success === false)) {
    const detail = body?.errors?.map((e) => e.message).join(" ") || body?.detail || `HTTP ${response.status}`;
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  return body;
}

// --- sign in -------------------------------------------------------------------------------------------------------
async function signIn(account, token) {
  state.account = account;
  state.token = token;
  try {
    await api("/tokens/verify");
  } catch (e) {
    state.account = state.token = null;
    sessionStorage.removeItem("scim-dashboard");
    show(e.status === 401 || e.status === 403
      ? "The token was refused: it is invalid, revoked, expired or not an admin token of this account."
      : e.message);
    return;
  }
  sessionStorage.setItem("scim-dashboard", JSON.stringify({ account, token }));
  state.roles = (await api("/iam/permission_groups?per_page=100")).result;
  // The views appear only once signed in and loaded, so a click on a tab cannot be overtaken by the first view.
  $("sign-in").hidden = true;
  $("sign-out").hidden = false;
  $("who").textContent = `Account ${account}`;
  show("");
  switchTo("members");
  $("tabs").hidden = false;
}

function signOut() {
  sessionStorage.removeItem("scim-dashboard");
  location.reload();
}

// --- views ---------------------------------------------------------------------------------------------------------
function switchTo(view) {
  state.view = view;
  for (const button of document.querySelectorAll("#tabs button")) button.setAttribute("aria-pressed", String(button.dataset.view === view));
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== view;
  refresh();
}

async function refresh() {
  if (!state.token) return;
  try {
    if (state.view === "members") await loadMembers();
    if (state.view === "groups") await loadGroups();
    if (state.view === "roles") loadRoles();
    if (state.view === "audit") await loadAudit();
    if (state.view === "log") await loadLog();
    if (state.view === "events") await loadReceivers();
  } catch (e) {
    show(e.message);
  }
}

// Every role the member holds (effective_roles) and where it comes from: a direct policy, a group, the base grant.
const sourceName = (s) =>
  s.type === "group_policy" || s.type === "system_group" ? `group ${s.group_name}` : s.type === "base_grant" ? "base grant" : "direct";
const roleNames = (member) =>
  (member.effective_roles || []).map((r) => `${r.name} (${r.sources.map(sourceName).join(", ")})`).join("; ") || "—";
const source = (scim) => (scim ? el("span", { class: "badge scim" }, "SCIM") : el("span", { class: "badge" }, "manual"));

async function loadMembers() {
  const query = state.memberQuery ? `&search=${encodeURIComponent(state.memberQuery)}` : "";
  const page = await api(`/members?page=${state.memberPage}&per_page=50${query}`);
  $("member-rows").replaceChildren(...page.result.map((m) => el("tr", {},
    el("td", {}, el("button", { type: "button", class: "link", onclick: () => openMember(m) }, m.email)),
    el("td", {}, [m.user.first_name, m.user.last_name].filter(Boolean).join(" ")),
    el("td", {}, m.status),
    el("td", {}, source(m.scim_provisioned)),
    el("td", {}, roleNames(m)))));
  const info = page.result_info;
  $("members-page").textContent = `Page ${info.page} of ${Math.max(1, info.total_pages)} — ${info.total_count} members`;
  $("members-prev").disabled = info.page <= 1;
  $("members-next").disabled = info.page >= info.total_pages;
  if (state.openMember) await openMember(state.openMember, true);
}

async function openMember(member, quiet = false) {
  state.openMember = member;
  const effective = (await api(`/members/${member.id}/effective_permissions`)).result;
  const rows = effective.roles.flatMap((role) =>
    role.sources.map((s) => el("tr", {},
      el("td", {}, role.name),
      el("td", {}, role.scope?.key || ""),
      el("td", {}, s.type),
      el("td", {}, s.group_name || ""))));
  $("member-detail").replaceChildren(
    el("h3", {}, `Effective roles of ${member.email}`),
    el("table", {}, el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Role"), el("th", { scope: "col" }, "Scope"),
      el("th", { scope: "col" }, "Source"), el("th", { scope: "col" }, "Via"))),
      el("tbody", { id: "effective-rows" }, rows.length ? rows : [el("tr", {}, el("td", { colspan: "4" }, "No roles"))])));
  $("member-detail").hidden = false;
  if (!quiet) $("member-detail").scrollIntoView({ block: "nearest" });
}

async function loadGroups() {
  const groups = (await api("/iam/user_groups?per_page=100")).result;
  $("group-rows").replaceChildren(...groups.map((g) => el("tr", {},
    el("td", {}, el("button", { type: "button", class: "link", onclick: () => openGroup(g.id) }, g.name)),
    el("td", {}, g.system ? el("span", { class: "badge" }, "system") : source(g.scim_managed)),
    el("td", {}, String(g.member_count ?? "")),
    el("td", {}, (g.policies || []).map(describePolicy).join("; ") || "—"))));
  if (state.openGroup) await openGroup(state.openGroup, true);
}

function describePolicy(policy) {
  const roles = policy.permission_groups.map((r) => r.name).join(", ");
  const scope = policy.resource_groups.map((rg) => rg.name).join(", ");
  return `${policy.access} ${roles} on ${scope}`;
}

// The input shape of a policy, to send the group's policies back with one added or removed.
const policyInput = (p) => ({
  access: p.access,
  permission_groups: p.permission_groups.map((r) => ({ id: r.id })),
  resource_groups: p.resource_groups.map((rg) => ({ id: rg.id })),
});

async function savePolicies(group, policies, done) {
  try {
    await api(`/iam/user_groups/${group.id}`, { method: "PUT", body: JSON.stringify({ policies }) });
    show(done, true);
  } catch (e) {
    show(e.message.startsWith("Refused") ? e.message : `Refused: ${e.message}`);
  }
  await openGroup(group.id, true, true);
}

async function openGroup(id, quiet = false, force = false) {
  // A refresh does not redraw the group while the admin is choosing a policy in it.
  const choosing = () => !force && quiet && document.activeElement && $("group-detail").contains(document.activeElement);
  if (choosing()) return;
  if (state.openGroup !== id) state.groupMemberPage = 1;
  state.openGroup = id;
  const group = (await api(`/iam/user_groups/${id}`)).result;
  const memberPage = await api(`/iam/user_groups/${id}/members?page=${state.groupMemberPage}&per_page=50`);
  const members = memberPage.result;
  const info = memberPage.result_info;
  const turn = (delta) => { state.groupMemberPage += delta; openGroup(id, true, true); };
  const scopes = (await api("/iam/resource_groups?per_page=100")).result;
  const policyRows = group.policies.map((p) => el("tr", {},
    el("td", {}, p.access === "deny" ? el("span", { class: "badge deny" }, "deny") : "allow"),
    el("td", {}, p.permission_groups.map((r) => r.name).join(", ")),
    el("td", {}, p.resource_groups.map((rg) => rg.name).join(", ")),
    el("td", {}, el("button", { type: "button", "aria-label": `Detach ${describePolicy(p)}`, onclick: () =>
      savePolicies(group, group.policies.filter((q) => q.id !== p.id).map(policyInput), "Policy detached.") }, "Detach"))));
  const attach = el("form", { id: "attach-form", "data-group": id, onsubmit: (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const added = {
      access: form.get("access"), permission_groups: [{ id: form.get("role") }], resource_groups: [{ id: form.get("scope") }],
    };
    savePolicies(group, [...group.policies.map(policyInput), added], "Policy attached.");
  } },
    el("label", {}, "Role",
      el("select", { name: "role", id: "attach-role" }, state.roles.map((r) => el("option", { value: r.id }, r.name)))),
    el("label", {}, "Scope", el("select", { name: "scope", id: "attach-scope" }, scopes.map((s) => el("option", { value: s.id }, s.name)))),
    el("label", {}, "Access", el("select", { name: "access", id: "attach-access" },
      el("option", { value: "allow" }, "allow"), el("option", { value: "deny" }, "deny"))),
    el("button", { type: "submit" }, "Attach policy"));
  // The admin may have started choosing while the group was fetched: ask again before redrawing, and keep what is
  // chosen in the same group's form (a redraw that reset it attached the first role with allow).
  if (choosing()) return;
  const previous = $("attach-form");
  if (previous && previous.dataset.group === id) {
    for (const name of ["role", "scope", "access"]) {
      const chosen = previous.elements[name].value;
      if ([...attach.elements[name].options].some((o) => o.value === chosen)) attach.elements[name].value = chosen;
    }
  }
  $("group-detail").replaceChildren(
    el("h3", {}, group.name, " ", group.scim_managed ? el("span", { class: "badge scim" }, "SCIM-managed") : ""),
    el("p", {}, group.scim_managed ? "Name and members come from the identity provider; policies are yours to attach." : ""),
    el("h4", {}, `Policies (${group.policies.length})`),
    el("table", {}, el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Access"), el("th", { scope: "col" }, "Roles"),
      el("th", { scope: "col" }, "Scope"), el("th", { scope: "col" }, ""))),
      el("tbody", { id: "policy-rows" }, policyRows)),
    attach,
    el("h4", {}, `Members (${group.member_count ?? info.total_count})`),
    el("ul", { id: "group-members" }, members.map((m) => el("li", {}, m.email))),
    el("div", { class: "pager" },
      el("button", { type: "button", disabled: info.page <= 1, onclick: () => turn(-1) }, "Previous"), " ",
      `Page ${info.page} of ${Math.max(1, info.total_pages)}`, " ",
      el("button", { type: "button", disabled: info.page >= info.total_pages, onclick: () => turn(1) }, "Next")));
  $("group-detail").hidden = false;
  if (!quiet) $("group-detail").scrollIntoView({ block: "nearest" });
}

function loadRoles() {
  $("role-rows").replaceChildren(...state.roles.map((r) => el("tr", {},
    el("td", {}, r.name), el("td", {}, r.meta?.scopes || ""), el("td", {}, r.description || ""), el("td", {}, el("code", {}, r.id)))));
}

async function loadAudit() {
  const params = new URLSearchParams({ per_page: "50" });
  if ($("audit-action").value) params.set("action", $("audit-action").value);
  if ($("audit-actor").value) params.set("actor", $("audit-actor").value);
  if ($("audit-since").value) params.set("since", new Date($("audit-since").value).toISOString());
  const events = (await api(`/audit_logs?${params}`)).result;
  $("audit-rows").replaceChildren(...events.map((e) => el("tr", {},
    el("td", {}, when(e.when)),
    el("td", { class: "sentence" }, e.description),
    el("td", {}, e.action.result === "success" ? "success" : el("span", { class: "badge deny" }, e.action.result)),
    el("td", {}, e.action.type),
    el("td", {}, el("details", {}, el("summary", {}, "raw"),
      el("pre", {}, JSON.stringify({ actor: e.actor, resource: e.resource, summary: e.summary }, null, 2)))))));
}

const when = (text) => String(text).replace("T", " ").replace(/(\.\d+)?Z$/, "");
const verdictBadge = (v) => el("span", { class: `badge verdict-${v}` }, v.replace("-", " "));

function logParams() {
  const params = new URLSearchParams({ per_page: "100" });
  for (const name of ["idp", "resource", "method", "outcome", "verdict"]) {
    if ($(`log-${name}`).value) params.set(name, $(`log-${name}`).value);
  }
  if ($("log-since").value) params.set("since", new Date($("log-since").value).toISOString());
  return params;
}

async function loadLog() {
  const entries = (await api(`/provisioning_log?${logParams()}`)).result;
  $("log-rows").replaceChildren(...entries.map((e) => el("tr", { class: e.outcome === "success" ? "" : "refused" },
    el("td", {}, when(e.when)),
    el("td", {}, e.idp),
    el("td", {}, el("button", { type: "button", class: "link", onclick: () => openEntry(e.id) }, `${e.method} ${e.path}`),
      el("div", { class: "shape" }, e.shape)),
    el("td", {}, String(e.status)),
    el("td", {}, verdictBadge(e.cloudflare.verdict)),
    el("td", {}, e.token.name || e.token.id || ""))));
  if (state.openEntry) await openEntry(state.openEntry, true);
}

// Everything here is shown as text (never as markup): bodies are what an IdP sent and may hold anything.
const pretty = (text) => { try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text ?? ""; } };
const block = (title, content) => [el("h4", {}, title), el("pre", {}, content)];

async function openEntry(id, quiet = false) {
  // A refresh does not redraw the entry while the admin reads or selects text in it.
  if (quiet && document.getSelection()?.toString()) return;
  state.openEntry = id;
  const e = (await api(`/provisioning_log/${id}`)).result;
  const list = (items) => el("ul", {}, (items || []).map((i) => el("li", {}, i)));
  $("log-detail").replaceChildren(
    el("h3", {}, `${e.method} ${e.path}${e.query || ""} → ${e.status}`),
    el("p", {}, `${when(e.when)} UTC · ${e.duration_ms} ms · token ${e.token.name || e.token.id} · ${e.profile} profile`),
    el("h4", {}, `Read as ${e.idp}`), list(e.idp_reasons),
    el("h4", {}, "On Cloudflare: ", verdictBadge(e.cloudflare.verdict)), list(e.cloudflare.reasons),
    ...block(`Request${e.request_truncated ? " (truncated)" : ""}`, pretty(e.request_body)),
    ...block(`Response${e.response_truncated ? " (truncated)" : ""}`, pretty(e.response_body)),
    ...block("Normalised", e.interpretation ? JSON.stringify(e.interpretation.normalised, null, 2) : "—"),
    el("h4", {}, "Coercions"), list(e.interpretation?.coercions?.length ? e.interpretation.coercions : ["none"]),
    ...block("Changes", e.changes ? JSON.stringify(e.changes, null, 2) : "nothing changed"),
    el("h4", {}, "Rules that fired"), list(e.rules?.length ? e.rules : ["none"]));
  $("log-detail").hidden = false;
  if (!quiet) $("log-detail").scrollIntoView({ block: "nearest" });
}

async function exportLog() {
  const params = logParams();
  params.delete("per_page");
  const response = await fetch(`/client/v4/accounts/${state.account}/provisioning_log/export?${params}`, {
    headers: { Authorization: `Bearer ${state.token}` },
  });
  if (!response.ok) { show(`Export failed: HTTP ${response.status}`); return; }
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `provisioning-log-${state.account}.jsonl` });
  document.body.append(link);
  link.click();
  link.remove();
}

// --- event receivers ---------------------------------------------------------------------------------------------
async function loadReceivers() {
  const receivers = (await api("/events/receivers")).result;
  const rows = [];
  for (const r of receivers) {
    const parked = (await api(`/events/receivers/${r.id}/deliveries?status=parked&per_page=1`)).result_info.total_count;
    rows.push(el("tr", {},
      el("td", {}, el("button", { type: "button", class: "link", onclick: () => openReceiver(r) }, r.name)),
      el("td", {}, r.kind), el("td", {}, r.url || "—"), el("td", {}, r.mode),
      el("td", {}, parked ? el("span", { class: "badge deny" }, String(parked)) : "0"),
      el("td", {}, el("button", { type: "button", "aria-label": `Remove ${r.name}`, onclick: () => removeReceiver(r) }, "Remove"))));
  }
  $("receiver-rows").replaceChildren(...rows);
  if (state.openReceiver) await openReceiver(state.openReceiver, true);
}

async function openReceiver(receiver, quiet = false) {
  state.openReceiver = receiver;
  const deliveries = (await api(`/events/receivers/${receiver.id}/deliveries?per_page=50`)).result;
  $("receiver-detail").replaceChildren(
    el("h3", {}, `Deliveries to ${receiver.name}`),
    el("table", {}, el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Event"), el("th", { scope: "col" }, "Resource"), el("th", { scope: "col" }, "Status"),
      el("th", { scope: "col" }, "Attempts"), el("th", { scope: "col" }, "Last error"), el("th", { scope: "col" }, ""))),
      el("tbody", { id: "delivery-rows" }, deliveries.map((d) => el("tr", {},
        el("td", {}, d.event_type), el("td", {}, d.resource_id || ""),
        el("td", {}, d.status === "parked" ? el("span", { class: "badge deny" }, "parked") : d.status),
        el("td", {}, String(d.attempts)), el("td", {}, d.last_error || ""),
        el("td", {}, d.status === "parked"
          ? el("button", { type: "button", onclick: () => redeliver(receiver, d) }, "Redeliver") : ""))))));
  $("receiver-detail").hidden = false;
  if (!quiet) $("receiver-detail").scrollIntoView({ block: "nearest" });
}

async function redeliver(receiver, delivery) {
  try {
    await api(`/events/receivers/${receiver.id}/deliveries/${delivery.id}/retry`, { method: "POST", body: "{}" });
    show("The event will be delivered again.", true);
  } catch (e) { show(e.message); }
  await openReceiver(receiver, true);
}

async function removeReceiver(receiver) {
  try {
    await api(`/events/receivers/${receiver.id}`, { method: "DELETE" });
    if (state.openReceiver?.id === receiver.id) { state.openReceiver = null; $("receiver-detail").hidden = true; }
    show("Receiver removed.", true);
  } catch (e) { show(e.message); }
  await loadReceivers();
}

async function registerReceiver(event) {
  event.preventDefault();
  const body = {
    name: $("receiver-name").value, kind: $("receiver-kind").value, url: $("receiver-url").value || null,
    secret: $("receiver-secret").value, mode: $("receiver-mode").value,
  };
  try {
    await api("/events/receivers", { method: "POST", body: JSON.stringify(body) });
    $("receiver-secret").value = "";
    show("Receiver registered.", true);
  } catch (e) { show(`Refused: ${e.message}`); }
  await loadReceivers();
}

// --- wiring --------------------------------------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("account-id").value.trim(), $("api-token").value.trim());
  });
  $("sign-out").addEventListener("click", signOut);
  for (const button of document.querySelectorAll("#tabs button")) button.addEventListener("click", () => switchTo(button.dataset.view));
  $("member-search").addEventListener("submit", (event) => {
    event.preventDefault();
    state.memberQuery = $("member-query").value.trim();
    state.memberPage = 1;
    state.openMember = null;
    refresh();
  });
  $("members-prev").addEventListener("click", () => { state.memberPage--; refresh(); });
  $("members-next").addEventListener("click", () => { state.memberPage++; refresh(); });
  $("audit-filter").addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
  $("log-filter").addEventListener("submit", (event) => { event.preventDefault(); state.openEntry = null; refresh(); });
  $("receiver-form").addEventListener("submit", registerReceiver);
  $("log-export").addEventListener("click", () => exportLog().catch((e) => show(e.message)));
  const saved = sessionStorage.getItem("scim-dashboard");
  if (saved) { const { account, token } = JSON.parse(saved); signIn(account, token); }
  setInterval(refresh, 3000); // watch provisioning happen without reloading
});
