// The state objects behind the terminal UI are immutable: each change makes a new one, so React's
// useSyncExternalStore can subscribe to them.

/** A tiny observable store: subscribe + getState, the shape useSyncExternalStore wants. */
export class Store<S> {
  private listeners = new Set<() => void>();
  constructor(protected state: S) {}
  getState = (): S => this.state;
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  protected set(next: S): void {
    this.state = next;
    for (const fn of [...this.listeners]) fn();
  }
}
