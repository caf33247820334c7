// Warn a signed-in person before their idle session ends, and let them stay signed in.
const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idleMs = Number(dialog.dataset.idleMinutes) * 60 * 1000;
  const warningMs = Number(dialog.dataset.warningMinutes) * 60 * 1000;
  const countdown = dialog.querySelector("[data-countdown]");
  let warnTimer;
  let endTimer;
  let tick;

  const describe = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return minutes === 1 ? "1 minute" : `${minutes} minutes`;
    }
    return seconds === 1 ? "1 second" : `${seconds} seconds`;
  };

  const start = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    const endsAt = Date.now() + idleMs;
    warnTimer = setTimeout(() => {
      countdown.textContent = describe(endsAt - Date.now());
      dialog.showModal();
      tick = setInterval(() => {
        countdown.textContent = describe(endsAt - Date.now());
      }, 20000);
    }, Math.max(0, idleMs - warningMs));
    endTimer = setTimeout(() => {
      window.location.href = dialog.dataset.signedOutUrl;
    }, idleMs);
  };

  dialog.querySelector("[data-keep-alive]").addEventListener("click", async () => {
    const response = await fetch(dialog.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": dialog.dataset.csrfToken, Accept: "application/json" },
      credentials: "same-origin",
    });
    // A session that has already ended answers 401 (or, from an older server, a redirect to sign in).
    if (response.ok && !response.redirected) {
      dialog.close();
      start();
    } else {
      window.location.href = dialog.dataset.signedOutUrl;
    }
  });

  dialog.addEventListener("cancel", (event) => {
    // Escape means "stay signed in", as the GOV.UK timeout pattern expects.
    event.preventDefault();
    dialog.querySelector("[data-keep-alive]").click();
  });

  start();
}
