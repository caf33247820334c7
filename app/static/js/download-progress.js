// The download progress page (templates/find/download_job.html) checks again every few seconds without
// reloading: the progress line (a status region, so it is announced politely) and, once the file is ready
// or failed, the whole panel, with focus moved to its heading. Without JavaScript, "Check progress" does it.
const panel = document.getElementById("download-job");
const EVERY_MS = 3000;

async function check() {
  let page;
  try {
    const answer = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
    if (!answer.ok) return schedule();
    page = new DOMParser().parseFromString(await answer.text(), "text/html");
  } catch {
    return schedule();
  }
  const fresh = page.getElementById("download-job");
  if (!fresh) return schedule();
  if (fresh.dataset.state === "making") {
    const line = document.getElementById("download-progress");
    const freshLine = page.getElementById("download-progress");
    if (line && freshLine && line.textContent.trim() !== freshLine.textContent.trim()) {
      line.textContent = freshLine.textContent.trim();
    }
    return schedule();
  }
  panel.replaceChildren(...fresh.childNodes);
  panel.dataset.state = fresh.dataset.state;
  document.title = page.title;
  panel.querySelector("h1")?.focus();
}

function schedule() {
  window.setTimeout(check, EVERY_MS);
}

if (panel && panel.dataset.state === "making") schedule();
