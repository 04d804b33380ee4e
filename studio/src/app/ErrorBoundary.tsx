/** The last line of defence: a render error shows what happened and a way out, not a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { AUTOSAVE_KEY } from './autosave.ts';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Studio crashed', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h1>The studio hit a problem</h1>
        <p>{error.message}</p>
        <p className="muted">
          Your mapping work is autosaved. Reload to continue; if it happens again, start from an empty
          workspace (export your spec first from the saved copy).
        </p>
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          Reload
        </button>
        <button
          type="button"
          onClick={() => {
            localStorage.removeItem(AUTOSAVE_KEY);
            window.location.reload();
          }}
        >
          Start empty
        </button>
      </div>
    );
  }
}
