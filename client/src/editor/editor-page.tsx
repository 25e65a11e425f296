import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useAtom, useAtomValue, useSetAtom } from 'jotai';
import {
  CircleHelp,
  Lock,
  FileClock,
  Map as MapIcon,
  MessageSquare,
  Moon,
  PanelLeft,
  Redo2,
  Settings,
  LayoutTemplate,
  Sun,
  Undo2,
  Users,
  Activity as ActivityIcon,
  ChartColumn,
} from 'lucide-react';
import { useLocation } from 'wouter';
import type { UserDto, WorkflowDto } from '#shared/api/index.ts';
import { origins } from '#shared/origins.ts';
import { getNodeDefinition, nodePorts } from '#shared/nodes/index.ts';
import { addNode, connect, moveNode, readMeta, setWorkflowName } from '#shared/schema/index.ts';
import { api, ApiError } from '../api/client.ts';
import { FlowCanvas, GRID } from '../canvas/flow-canvas.tsx';
import { NODE_HEIGHT as NODE_H, NODE_WIDTH as NODE_W } from '../canvas/node-size.ts';
import { useSessionStatus, useWorkflowSession } from '../doc/use-workflow-session.ts';
import { Inspector } from '../inspector/inspector.tsx';
import { refreshOfflineCopies } from '../offline/service-worker.ts';
import { Members } from '../pages/members-panel.tsx';
import { TopBar } from '../pages/topbar.tsx';
import { Palette } from '../palette/palette.tsx';
import { Avatars } from '../presence/avatars.tsx';
import { presenceUser } from '../presence/presence.ts';
import {
  minimapOpenAtom,
  paletteOpenAtom,
  commentsFocusAtom,
  panelAtom,
  selectedNodeIdsAtom,
  snapToGridAtom,
  themeAtom,
  toastAtom,
} from '../state/atoms.ts';
import { IconButton } from '../ui/icon-button.tsx';
import { SidePanel } from '../ui/side-panel.tsx';
import { ArrangeToolbar } from './arrange-toolbar.tsx';
import { EditorContext, useEditor } from './editor-context.tsx';
import { HelpPanel } from './help-panel.tsx';
import { mayComment, mayEdit, readOnlyText } from './roles.ts';
import { useDiscussion } from '../comments/use-discussion.ts';
import { modeAllows, useEditMode } from '../modes/edit-mode.ts';
import { useHeldChanges } from '../modes/held-changes.ts';
import { ModeBanner } from '../modes/mode-banner.tsx';
import { ModePanel } from '../modes/mode-panel.tsx';
import { CommentsPanel } from '../comments/comments-panel.tsx';
import { ActivityPanel } from '../activity/activity-panel.tsx';
import { HistoryPanel } from '../history/history-panel.tsx';
import { openedVersionAtom } from '../history/opened-version.ts';
import { SaveTemplatePanel } from '../templates/save-template-panel.tsx';
import { VersionCanvas } from '../history/version-canvas.tsx';
import { StatusChip } from './status-chip.tsx';
import { TestWebhookControl } from './test-webhook.tsx';
import { useClipboard } from './use-clipboard.ts';
import { useEditorKeys } from './use-editor-keys.ts';
import { useEditorSetup } from './use-editor-setup.ts';
import { WorkflowSettingsPanel } from './workflow-settings-panel.tsx';
import { useDraft } from '../ui/use-draft.ts';
import { CredentialsPanel } from '../runs/credentials-panel.tsx';
import { useOpenExecutionFromUrl } from '../runs/execution-links.ts';
import { ExecutionsPanel } from '../runs/executions-panel.tsx';
import { RunControls } from '../runs/run-controls.tsx';

/** Steps used to place new nodes. */
const NODE_STEP_X = 280;
const NODE_STEP_Y = 100;

const Toast = () => {
  const [toast, setToast] = useAtom(toastAtom);
  useEffect(() => {
    if (!toast) return;
    // An action ("Undo") stays long enough to be reached for.
    const timer = setTimeout(() => setToast(null), toast.action ? 15_000 : 5000);
    return () => clearTimeout(timer);
  }, [toast, setToast]);
  if (!toast) return null;
  const { action } = toast;
  return (
    <div className={`toast ${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      {toast.text}
      {action && (
        <button
          type="button"
          className="toast-action"
          onClick={() => {
            setToast(null);
            action.run();
          }}
        >
          {action.label}
        </button>
      )}
    </div>
  );
};

const WorkflowName = () => {
  const { session, canEdit } = useEditor();
  const name = useSyncExternalStore(
    (notify) => {
      session.doc.on('update', notify);
      return () => session.doc.off('update', notify);
    },
    () => readMeta(session.doc).name,
  );
  const [draft, setDraft] = useDraft(name);
  const commit = () => {
    const next = draft.trim();
    if (next && next !== name) setWorkflowName(session.doc, next, origins.ui);
    else setDraft(name);
  };
  return (
    <input
      className="workflow-name"
      aria-label="Workflow name"
      value={draft}
      disabled={!canEdit}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
    />
  );
};

const EditorBody = ({ workflow }: { workflow: WorkflowDto | undefined }) => {
  const editor = useEditor();
  const { session, binding, undo, canEdit, mode } = editor;
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const onPointer = useCallback((at: { x: number; y: number } | null) => {
    pointer.current = at;
  }, []);
  const selected = useAtomValue(selectedNodeIdsAtom);
  const [panel, setPanel] = useAtom(panelAtom);
  const paletteOpen = useAtomValue(paletteOpenAtom);
  const setToast = useSetAtom(toastAtom);
  const { screenToFlowPosition, setCenter, getZoom } = useReactFlow();
  const empty = useSyncExternalStore(binding.subscribe, () => binding.getSnapshot().nodes.length === 0);
  const canvasBox = useRef<HTMLDivElement>(null);
  const [openedVersion, setOpenedVersion] = useAtom(openedVersionAtom);
  useOpenExecutionFromUrl(setPanel);

  const addAt = useCallback(
    (type: string, at: { x: number; y: number }): string | undefined => {
      if (!canEdit) return undefined;
      try {
        const snap = (v: number) => Math.round(v / GRID) * GRID;
        const id = addNode(session.doc, { type, position: { x: snap(at.x), y: snap(at.y) } }, origins.ui);
        binding.select([id]);
        return id;
      } catch (e) {
        setToast({ text: (e as Error).message, kind: 'error' });
        return undefined;
      }
    },
    [binding, canEdit, session, setToast],
  );

  // A click in the palette adds the node after the selected one (and connects them, as in n8n),
  // or in the middle of what is visible, stepping aside from nodes already there.
  const addFromPalette = useCallback(
    (type: string) => {
      const rect = canvasBox.current?.getBoundingClientRect();
      if (!rect || !canEdit) return;
      const nodes = binding.getSnapshot().nodes;
      const selectedNodes = nodes.filter((n) => n.selected);
      const after = selectedNodes.length === 1 ? selectedNodes[0] : undefined;
      const center = screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
      let at = after
        ? { x: after.position.x + NODE_STEP_X, y: after.position.y }
        : { x: center.x - NODE_W / 2, y: center.y - NODE_H / 2 };
      // Boxes overlap when the new node's footprint meets a node's measured box.
      const overlaps = (p: { x: number; y: number }) =>
        nodes.some((n) => {
          const w = n.measured?.width ?? NODE_W;
          const h = n.measured?.height ?? NODE_H;
          return (
            p.x < n.position.x + w &&
            n.position.x < p.x + NODE_W &&
            p.y < n.position.y + h &&
            n.position.y < p.y + NODE_H
          );
        });
      for (let i = 0; i < 100 && overlaps(at); i++) at = { x: at.x, y: at.y + NODE_STEP_Y };
      const id = addAt(type, at);
      // Bring it into view when it landed outside what is visible.
      const topLeft = screenToFlowPosition({ x: rect.left, y: rect.top });
      const bottomRight = screenToFlowPosition({ x: rect.right, y: rect.bottom });
      if (at.x < topLeft.x || at.y < topLeft.y || at.x + NODE_W > bottomRight.x || at.y + NODE_H > bottomRight.y) {
        void setCenter(at.x + NODE_W / 2, at.y + NODE_H / 2, { zoom: getZoom(), duration: 200 });
      }
      if (id && after) {
        const source = nodePorts(after.data.node).outputs[0];
        const target = getNodeDefinition(type)?.inputs[0];
        if (source && target) {
          connect(
            session.doc,
            { source: after.id, sourceHandle: source.name, target: id, targetHandle: target.name },
            origins.ui,
          );
        }
      }
    },
    [addAt, binding, canEdit, getZoom, screenToFlowPosition, session, setCenter],
  );

  useEditorKeys();
  useClipboard(pointer);

  const arrange = (moves: Map<string, { x: number; y: number }>) => {
    session.doc.transact(() => {
      for (const [id, p] of moves) moveNode(session.doc, id, p, origins.ui);
    }, origins.ui);
    undo.manager.stopCapturing();
  };

  // The inspector opens when a drag ends, not in its first frames: it costs more than a frame to build.
  const dragging = useSyncExternalStore(binding.subscribe, binding.isDragging);
  const [lastInspected, setLastInspected] = useState<string>();
  const wanted = selected.length === 1 ? selected[0] : undefined;
  if (!dragging && wanted !== lastInspected) setLastInspected(wanted);
  const inspected = dragging ? lastInspected : wanted;
  return (
    <div className="editor-body">
      {paletteOpen && <Palette onAdd={addFromPalette} disabled={!canEdit} />}
      <div className="canvas-box" ref={canvasBox}>
        <FlowCanvas onPointer={onPointer} onAddNode={addAt} />
        {empty && (
          <p className="empty-hint">
            {canEdit
              ? 'Add a first node: click one in the palette, or drag it here.'
              : 'This workflow has no nodes yet.'}
          </p>
        )}
        {canEdit && selected.length >= 2 && <ArrangeToolbar onArrange={arrange} />}
        {workflow && mode ? (
          <ModeBanner workflow={workflow} mode={mode} />
        ) : (
          !canEdit &&
          workflow && (
            <div className="readonly-banner" role="status">
              {readOnlyText(workflow.role)}
            </div>
          )
        )}
        <TestWebhookControl />
        {openedVersion && <VersionCanvas version={openedVersion} onClose={() => setOpenedVersion(null)} />}
        <Toast />
      </div>
      {inspected && <Inspector key={inspected} nodeId={inspected} onClose={() => binding.select([])} />}
      {panel === 'members' && workflow && (
        <SidePanel label="Members panel" title="Members" closeLabel="Close members" onClose={() => setPanel('none')}>
          <Members workflow={workflow} />
        </SidePanel>
      )}
      {panel === 'help' && <HelpPanel onClose={() => setPanel('none')} />}
      {panel === 'executions' && workflow && (
        <ExecutionsPanel workflowId={workflow.id} onClose={() => setPanel('none')} />
      )}
      {panel === 'credentials' && <CredentialsPanel onClose={() => setPanel('none')} />}
      {panel === 'settings' && <WorkflowSettingsPanel onClose={() => setPanel('none')} />}
      {panel === 'comments' && workflow && <CommentsPanel workflowId={workflow.id} onClose={() => setPanel('none')} />}
      {panel === 'activity' && workflow && (workflow.role === 'owner' || workflow.role === 'editor') && (
        <ActivityPanel workflowId={workflow.id} onClose={() => setPanel('none')} />
      )}
      {panel === 'mode' && workflow?.role === 'owner' && (
        <ModePanel workflowId={workflow.id} onClose={() => setPanel('none')} />
      )}
      {panel === 'history' && workflow && <HistoryPanel workflow={workflow} onClose={() => setPanel('none')} />}
      {panel === 'template' && workflow?.role === 'owner' && (
        <SaveTemplatePanel workflowId={workflow.id} onClose={() => setPanel('none')} />
      )}
    </div>
  );
};

const ToolbarButtons = () => {
  const { undo, canEdit, canModerate, canRun, session } = useEditor();
  const [, navigate] = useLocation();
  const [theme, setTheme] = useAtom(themeAtom);
  const [panel, setPanel] = useAtom(panelAtom);
  const [paletteOpen, setPaletteOpen] = useAtom(paletteOpenAtom);
  const [minimap, setMinimap] = useAtom(minimapOpenAtom);
  const [snap, setSnap] = useAtom(snapToGridAtom);
  return (
    <div className="toolbar" role="toolbar" aria-label="Editor">
      <IconButton icon={Undo2} label="Undo" title="Undo (Ctrl/⌘ Z)" disabled={!canEdit} onClick={() => undo.undo()} />
      <IconButton
        icon={Redo2}
        label="Redo"
        title="Redo (Ctrl/⌘ Shift Z)"
        disabled={!canEdit}
        onClick={() => undo.redo()}
      />
      <IconButton
        icon={PanelLeft}
        label="Node palette"
        pressed={paletteOpen}
        onClick={() => setPaletteOpen(!paletteOpen)}
      />
      <IconButton icon={MapIcon} label="Minimap" pressed={minimap} onClick={() => setMinimap(!minimap)} />
      <label className="check snap" title="Snap to grid">
        <input type="checkbox" checked={snap} onChange={(e) => setSnap(e.target.checked)} /> Snap
      </label>
      <IconButton
        icon={theme === 'dark' ? Sun : Moon}
        label={theme === 'dark' ? 'Light theme' : 'Dark theme'}
        title="Theme"
        onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
      />
      <IconButton
        icon={Settings}
        label="Workflow settings"
        title="Workflow settings: time zone, timeout, execution order"
        pressed={panel === 'settings'}
        onClick={() => setPanel(panel === 'settings' ? 'none' : 'settings')}
      />
      {canModerate && (
        <IconButton
          icon={Lock}
          label="Edit mode"
          title="Edit mode: everyone edits, locked, or one pen"
          pressed={panel === 'mode'}
          onClick={() => setPanel(panel === 'mode' ? 'none' : 'mode')}
        />
      )}
      <IconButton
        icon={MessageSquare}
        label="Comments"
        title="Comments"
        pressed={panel === 'comments'}
        onClick={() => setPanel(panel === 'comments' ? 'none' : 'comments')}
      />
      {canRun && (
        <IconButton
          icon={ActivityIcon}
          label="Activity"
          title="Activity: who changed access, links, the mode, runs and versions"
          pressed={panel === 'activity'}
          onClick={() => setPanel(panel === 'activity' ? 'none' : 'activity')}
        />
      )}
      <IconButton
        icon={FileClock}
        label="Version history"
        title="Version history: name, compare and restore versions"
        pressed={panel === 'history'}
        onClick={() => setPanel(panel === 'history' ? 'none' : 'history')}
      />
      <IconButton
        icon={ChartColumn}
        label="Insights"
        title="Insights: this workflow's runs over time, failures, durations and time saved"
        onClick={() => navigate(`/insights?workflowId=${encodeURIComponent(session.provider.roomname)}`)}
      />
      {canModerate && (
        <IconButton
          icon={LayoutTemplate}
          label="Save as template"
          title="Save as template: share this workflow with the instance as a template"
          pressed={panel === 'template'}
          onClick={() => setPanel(panel === 'template' ? 'none' : 'template')}
        />
      )}
      <IconButton
        icon={Users}
        label="Members"
        title="Members and roles"
        pressed={panel === 'members'}
        onClick={() => setPanel(panel === 'members' ? 'none' : 'members')}
      />
      <IconButton
        icon={CircleHelp}
        label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        pressed={panel === 'help'}
        onClick={() => setPanel(panel === 'help' ? 'none' : 'help')}
      />
    </div>
  );
};

/** The collaborative editor for one workflow: `/w/<workflowId>`. */
export const EditorPage = ({ id, user, onSignOut }: { id: string; user: UserDto; onSignOut: () => void }) => {
  const session = useWorkflowSession(id);
  const status = useSessionStatus(session);
  const [workflow, setWorkflow] = useState<WorkflowDto>();
  const [error, setError] = useState<string>();
  const me = presenceUser(user);

  const synced = status === 'synced';
  // Loaded at once, and again at every (re)sync: the server closes a socket whose person's role
  // changed (4100), and the reconnected editor must show the new role, not the one it opened with.
  useEffect(() => {
    api<WorkflowDto>('GET', `/api/workflows/${id}`).then(setWorkflow, (e: unknown) =>
      setError(e instanceof ApiError ? e.message : 'Could not load the workflow'),
    );
  }, [id, synced]);

  // `?thread=<id>` (from the inbox) opens the comments on that thread.
  const setPanel = useSetAtom(panelAtom);
  const setCommentsFocus = useSetAtom(commentsFocusAtom);
  useEffect(() => {
    const thread = new URLSearchParams(window.location.search).get('thread');
    if (!thread) return;
    setCommentsFocus({ threadId: thread, pinned: true });
    setPanel('comments');
  }, [id, setPanel, setCommentsFocus]);

  // Once the workflow is open and saved (off the critical path of opening it), refresh what an offline start needs.
  useEffect(() => {
    if (synced) refreshOfflineCopies();
  }, [synced]);

  const mode = useEditMode(session.provider.awareness);
  const canEdit =
    workflow !== undefined && mayEdit(workflow.role) && modeAllows(mode, user.id, workflow.role) && status !== 'closed';
  const discussion = useDiscussion(id, user.id);
  const heldChanges = useHeldChanges(session.doc, session.provider, user.id, workflow?.role);
  const editor = useEditorSetup(session, user, {
    heldChanges,
    canEdit,
    canRun: workflow !== undefined && mayEdit(workflow.role) && status !== 'closed',
    mode,
    canComment: workflow !== undefined && mayComment(workflow.role) && status !== 'closed',
    canModerate: workflow?.role === 'owner',
    discussion,
  });
  const closed = session.closedReason();

  return (
    <div className="editor-shell">
      {editor ? (
        <EditorContext.Provider value={editor}>
          <ReactFlowProvider>
            <TopBar user={user} onSignOut={onSignOut}>
              <WorkflowName />
              <StatusChip status={status} />
              {workflow && <span className="badge">{workflow.role}</span>}
              <Avatars presence={editor.presence} me={me} />
              <ToolbarButtons />
              <RunControls workflowId={id} />
            </TopBar>
            {(error ?? closed) && (
              <p className="error banner" role="alert">
                {error ?? closed}
              </p>
            )}
            <EditorBody workflow={workflow} />
          </ReactFlowProvider>
        </EditorContext.Provider>
      ) : (
        <p className="shell muted">Opening…</p>
      )}
    </div>
  );
};
