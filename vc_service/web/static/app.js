// A little plain JavaScript, no framework: every page also works without it.
"use strict";

// Live progress: a region with data-poll-url is replaced by a fresh copy while it says it is active.
function pollRegion(region) {
  const seconds = Number(region.dataset.pollSeconds || 2);
  const tick = async () => {
    if (region.dataset.active !== "true") return;
    try {
      const response = await fetch(region.dataset.pollUrl, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (response.ok) {
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-poll-url]");
        if (fresh) {
          region.innerHTML = fresh.innerHTML;
          region.dataset.active = fresh.dataset.active;
        }
      }
    } catch (error) {
      // The next tick tries again: a dropped request must not stop the live view.
    }
    setTimeout(tick, seconds * 1000);
  };
  setTimeout(tick, seconds * 1000);
}

// Drop a credential file on the verify form: its text goes into the paste area.
function acceptDroppedFiles(zone) {
  const area = zone.querySelector("textarea");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (file) area.value = await file.text();
  });
}

// A Copy button puts its field's text on the clipboard; a page served over plain http has no
// clipboard API, and the field's text is selected for the keyboard's copy instead.
async function copyField(button) {
  const field = document.getElementById(button.dataset.copy);
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = "Copied";
  } catch (error) {
    button.textContent = "Selected: copy it";
  }
}

// Delegated: the live regions replace their buttons.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (button) copyField(button);
});
document.querySelectorAll("[data-poll-url]").forEach(pollRegion);
document.querySelectorAll(".dropzone").forEach(acceptDroppedFiles);
