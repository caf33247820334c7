// Load with <script type="module">. GOV.UK Frontend 6.x ships an ES module.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();
