// What an anywidget front-end module exports, as hosts call it (the AFM lifecycle).
import type { PageModel } from "./pagemodel";

type Cleanup = void | (() => unknown) | Promise<void | (() => unknown)>;

export interface WidgetModule {
  initialize?(ctx: { model: PageModel }): Cleanup;
  render(ctx: { model: PageModel; el: HTMLElement }): Cleanup;
}

/** An imported module as a WidgetModule: its default export, called first if a function. */
export async function widgetOf(mod: any): Promise<WidgetModule> {
  let def = mod?.default ?? mod;
  if (typeof def === "function") def = await def();
  if (!def || typeof def.render !== "function") {
    throw new Error("the widget's module exports no render function");
  }
  return def as WidgetModule;
}
