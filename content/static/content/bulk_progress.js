// A bulk job's progress page (templates/admin/content/bulk/progress.html): poll the job's
// JSON endpoint, update the bar and the counts, append each new refusal (with a link to
// its item), and stop once the job is finished. Text goes in through textContent only.
(function () {
  "use strict";
  const root = document.getElementById("bulk-progress");
  if (!root) return;
  const endpoint = root.dataset.endpoint;
  const bar = root.querySelector("progress");
  const list = root.querySelector(".folio-bulk-refusals");
  const heading = root.querySelector(".folio-bulk-refusals-title");
  const POLL_MS = 1000;

  function lastPosition() {
    const items = list.querySelectorAll("li[data-position]");
    return items.length ? Number(items[items.length - 1].dataset.position) : -1;
  }

  function setField(name, value) {
    const el = root.querySelector(`[data-field="${name}"]`);
    if (el) el.textContent = String(value);
  }

  function addRefusal(refusal) {
    const li = document.createElement("li");
    li.dataset.position = String(refusal.position);
    const name = `${refusal.kind} “${refusal.title}”`;
    if (refusal.url) {
      const link = document.createElement("a");
      link.href = refusal.url;
      link.textContent = name;
      li.appendChild(link);
    } else {
      li.appendChild(document.createTextNode(name));
    }
    li.appendChild(document.createTextNode(`: ${refusal.reasons.join(" · ")}`));
    list.appendChild(li);
  }

  function render(state) {
    bar.max = state.total;
    bar.value = state.done;
    for (const name of ["done", "total", "succeeded", "refused"]) setField(name, state[name]);
    const status = state.finished
      ? "Finished."
      : state.status === "running" ? "Running…" : "Waiting to start…";
    setField("status", status);
    state.refusals.forEach(addRefusal);
    if (list.children.length) heading.hidden = false;
    root.dataset.state = state.status;
    root.dataset.finished = String(state.finished);
  }

  async function poll() {
    let state;
    try {
      const response = await fetch(`${endpoint}?after=${lastPosition()}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      state = await response.json();
    } catch (error) {
      setField("status", "Could not reach the server; retrying…");
      window.setTimeout(poll, POLL_MS * 5);
      return;
    }
    render(state);
    root.dataset.polled = "true";
    if (!state.finished) window.setTimeout(poll, POLL_MS);
  }

  poll();
})();
