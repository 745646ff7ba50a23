import { render } from 'preact';
import { App } from './app.js';
import { ErrorBoundary } from './components.js';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(
    <ErrorBoundary>
      <App />
    </ErrorBoundary>,
    root,
  );
}
