/* The portal's only script: small, no build step, loaded with defer (no inline script, so a
   Content-Security-Policy without 'unsafe-inline' holds). Everything works without it. */
(function () {
  "use strict";

  // The header menu. Without script it is a <details> element; here it becomes a real
  // <button aria-expanded aria-controls> that shows and hides the panel on small screens.
  // On wide screens the stylesheet shows the panel and hides the button.
  function enhanceMenu(details) {
    var summary = details.querySelector(":scope > summary");
    var panel = details.querySelector(":scope > .site-menu__panel");
    if (!summary || !panel) return;

    var menu = document.createElement("div");
    menu.className = details.className + " site-menu--enhanced";
    var button = document.createElement("button");
    button.type = "button";
    button.className = summary.className;
    button.innerHTML = summary.innerHTML;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", panel.id);
    menu.appendChild(button);
    menu.appendChild(panel);
    details.replaceWith(menu);

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the menu and puts the focus back on its button.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("is-open")) {
        setOpen(false);
        button.focus();
      }
    });
    // A click or focus outside the open menu closes it.
    document.addEventListener("click", function (event) {
      if (menu.classList.contains("is-open") && !menu.contains(event.target)) setOpen(false);
    });
    document.addEventListener("focusin", function (event) {
      if (menu.classList.contains("is-open") && !menu.contains(event.target)) setOpen(false);
    });
  }

  document.querySelectorAll("details[data-site-menu]").forEach(enhanceMenu);
})();
