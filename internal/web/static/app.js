// Starts GOV.UK Frontend's components. Loaded as a module, so it only runs
// in browsers that support modules, which is what GOV.UK Frontend needs.
import { initAll } from './vendor/govuk-frontend/govuk-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initAll()
