// The partner organisations picker (templates/submit/_questions.html): its select becomes an accessible
// autocomplete. Choosing an organisation fills the select; "Add partner" (or Enter) posts the page, as it
// does without JavaScript.
(function () {
  "use strict";
  if (typeof window.accessibleAutocomplete === "undefined") {
    return;
  }
  document.querySelectorAll('select[data-module="app-autocomplete"]').forEach(function (select) {
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      showAllValues: true,
      dropdownArrow: function () {
        return "";
      },
      displayMenu: "overlay",
      minLength: 2,
      tNoResults: function () {
        return "No organisation found: check the spelling, or add it on the next page";
      },
    });
  });
})();
