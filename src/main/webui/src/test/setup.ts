import { cleanup, configure } from '@testing-library/react'
import { afterEach } from 'vitest'

afterEach(() => {
  cleanup()
  sessionStorage.clear()
  localStorage.clear()
})
import '@testing-library/jest-dom/vitest'

// jsdom has no layout: scrolling after navigation is a no-op here
window.scrollTo = () => {}

// findBy/waitFor wait this long: on a loaded build machine a debounced search and a fetch can take seconds
configure({ asyncUtilTimeout: 5000 })
