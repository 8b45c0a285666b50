// Following another widget's model in the same page: the diagram's `_source` trait holds a
// widget reference, "IPY_MODEL_<id>", which the host's widget manager resolves to that widget's
// model (anywidget passes JupyterLab's and Notebook 7's manager on as model.widget_manager;
// export_html's page provides one too). Resolution is asynchronous, so a link made, changed or
// closed while an earlier one is still resolving must not attach the stale model.

export interface WidgetManagerLike {
  get_model(id: string): Promise<unknown>;
}

export interface SourceModel {
  get(key: string): unknown;
  on(event: string, fn: () => void): void;
  off?(event: string, fn: () => void): void;
}

/** The model id in a widget reference ("IPY_MODEL_abc" -> "abc"). */
export function referenceId(ref: unknown): string {
  if (typeof ref !== "string" || !ref) throw new Error(`a widget reference must be "IPY_MODEL_<id>", got ${JSON.stringify(ref)}`);
  return ref.replace(/^IPY_MODEL_/, "");
}

export class ModelLink {
  private source: SourceModel | null = null;
  private generation = 0;
  // One function for on and off.
  private readonly handler = () => {
    if (this.source) this.onEvent(this.source);
  };

  /** Calls `onEvent(source)` on each `event` of the linked model (and once when linked). */
  constructor(private readonly event: string, private readonly onEvent: (source: SourceModel) => void) {}

  get model(): SourceModel | null {
    return this.source;
  }

  /**
   * Follow the model `ref` names (null or "" unlinks). Resolves true once linked, false when
   * unlinked or overtaken by a later call or close(); rejects with the reason it cannot link.
   */
  async follow(ref: unknown, manager: WidgetManagerLike | undefined): Promise<boolean> {
    const generation = ++this.generation;
    this.detach();
    if (ref == null || ref === "") return false;
    const id = referenceId(ref);
    if (!manager || typeof manager.get_model !== "function") throw new Error("this page has no widget manager");
    const found = (await manager.get_model(id)) as SourceModel | null;
    if (generation !== this.generation) return false; // relinked or closed meanwhile
    if (!found || typeof found.get !== "function" || typeof found.on !== "function") {
      throw new Error(`widget ${id} resolved to no model`);
    }
    this.source = found;
    found.on(this.event, this.handler);
    this.handler();
    return true;
  }

  /** Stop following, now and for any resolution still under way. */
  close(): void {
    this.generation++;
    this.detach();
  }

  private detach(): void {
    if (this.source && typeof this.source.off === "function") this.source.off(this.event, this.handler);
    this.source = null;
  }
}
