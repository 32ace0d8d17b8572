// The overview's link to the disclosure: GET /api/disclosure with the read token when reads need one, opened as a
// page (HTML) or saved (JSON, CSV). The API names what was wrong with a period in its 400.
"use strict";

(() => {
  const form = document.getElementById("disclosure-form");
  const from = document.getElementById("disclosure-from");
  const to = document.getElementById("disclosure-to");
  const format = document.getElementById("disclosure-format");
  const error = document.getElementById("disclosure-error");
  const day = (d) => d.toISOString().slice(0, 10);
  const today = new Date();
  to.value = day(today);
  from.value = day(new Date(today.getTime() - 30 * 86400000));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const path = "/api/disclosure?from=" + encodeURIComponent(from.value) + "&to=" + encodeURIComponent(to.value)
      + "&format=" + encodeURIComponent(format.value);
    const headers = {};
    const token = sessionStorage.getItem("payback.token");
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    try {
      const res = await fetch(path, { headers, cache: "no-store" });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        error.textContent = res.status === 401 ? "This API needs a read token."
          : (body && body.error ? body.error.message : "HTTP " + res.status);
        return;
      }
      const url = URL.createObjectURL(await res.blob());
      if (format.value === "html") {
        window.open(url, "_blank");
      } else {
        const a = document.createElement("a");
        a.href = url;
        a.download = "disclosure-" + from.value + "-" + to.value + "." + format.value;
        document.body.appendChild(a);
        a.click();
        a.remove();
      }
    } catch (e) {
      error.textContent = "The report could not be read: " + e.message;
    }
  });
})();
