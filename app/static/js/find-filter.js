// Find's filter (templates/find/search.html), the Ministry of Justice design system's filter component:
// on a small screen the results come first and the filter opens with "Show filters"; ticking a filter (or
// choosing a partner or an order) applies it straight away. Without JavaScript, "Apply filters" does.
import { FilterToggleButton } from "/static/moj/filter-toggle-button.mjs";

const filter = document.querySelector('.moj-filter[data-module="moj-filter"]');
if (filter) {
  new FilterToggleButton(filter, {
    bigModeMediaQuery: "(min-width: 48.0625em)",
    startHidden: false, // hidden on a small screen only (by the media query), open beside the results otherwise
    toggleButton: {
      showText: "Show filters",
      hideText: "Hide filters",
      classes: "govuk-button--secondary govuk-!-margin-bottom-3",
    },
    closeButton: { text: "Close", classes: "moj-filter__close" },
  });
  const form = filter.closest("form");
  const controls = filter.querySelectorAll(
    '.moj-filter__options input[type="checkbox"], .moj-filter__options select',
  );
  controls.forEach((control) => {
    control.addEventListener("change", () => {
      // Come back to the control just changed, so that keyboard users carry on where they were.
      form.action = `${form.action.split("#")[0]}#${control.id}`;
      form.requestSubmit();
    });
  });
}
