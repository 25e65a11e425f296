import * as admin from './admin.ts';
import * as audit from './audit.ts';
import * as auth from './auth.ts';
import * as changes from './changes.ts';
import * as credentials from './credentials.ts';
import * as executions from './executions.ts';
import * as home from './home.ts';
import * as inbox from './inbox.ts';
import * as insights from './insights.ts';
import * as invitations from './invitations.ts';
import * as links from './links.ts';
import * as live from './live.ts';
import * as me from './me.ts';
import * as meta from './meta.ts';
import * as modes from './modes.ts';
import * as nodes from './nodes.ts';
import * as settings from './settings.ts';
import * as templates from './templates.ts';
import * as tokens from './tokens.ts';
import * as versions from './versions.ts';
import * as workflows from './workflows.ts';

/**
 * Every REST route under /api, by operationId: what the OpenAPI document
 * describes, what the server must register (a test holds the two equal)
 * and what the typed client calls, e.g. `client.call(apiRoutes.listWorkflows, {})`.
 */
export const apiRoutes = {
  signup: auth.signup,
  login: auth.login,
  logout: auth.logout,
  me: auth.me,
  listSessions: auth.listSessions,
  revokeOtherSessions: auth.revokeOtherSessions,
  deleteSession: auth.deleteSession,

  createToken: tokens.createToken,
  listTokens: tokens.listTokens,
  deleteToken: tokens.deleteToken,

  openLiveFeed: live.openLiveFeed,

  getInstanceSettings: settings.getInstanceSettings,
  updateInstanceSettings: settings.updateInstanceSettings,

  getFavourites: me.getFavourites,
  setFavourites: me.setFavourites,
  listMyInvitations: me.listMyInvitations,
  acceptInvitation: me.acceptInvitation,
  declineInvitation: me.declineInvitation,
  deleteAccount: me.deleteAccount,
  updateMe: me.updateMe,
  changePassword: me.changePassword,
  inviteByEmail: invitations.inviteByEmail,
  instanceInfo: invitations.instanceInfo,
  listInbox: inbox.listInbox,
  countUnreadInbox: inbox.countUnreadInbox,
  markInboxRead: inbox.markInboxRead,

  listWorkflows: workflows.listWorkflows,
  createWorkflow: workflows.createWorkflow,
  importWorkflow: workflows.importWorkflow,
  getWorkflow: workflows.getWorkflow,
  updateWorkflow: workflows.updateWorkflow,
  deleteWorkflow: workflows.deleteWorkflow,
  exportWorkflow: workflows.exportWorkflow,
  publishWorkflow: workflows.publishWorkflow,
  activateWorkflow: workflows.activateWorkflow,
  deactivateWorkflow: workflows.deactivateWorkflow,
  listenTestWebhook: workflows.listenTestWebhook,
  stopTestWebhook: workflows.stopTestWebhook,
  runWorkflow: workflows.runWorkflow,
  listMembers: workflows.listMembers,
  addMember: workflows.addMember,
  removeMember: workflows.removeMember,
  cancelInvitation: workflows.cancelInvitation,
  listWorkflowCredentials: workflows.listWorkflowCredentials,
  getWorkflowInputs: workflows.getWorkflowInputs,

  // The workflow list's tags and per-person folders (issue 16, home).
  listTags: home.listTags,
  createTag: home.createTag,
  renameTag: home.renameTag,
  deleteTag: home.deleteTag,
  tagWorkflow: home.tagWorkflow,
  untagWorkflow: home.untagWorkflow,
  listFolders: home.listFolders,
  createFolder: home.createFolder,
  updateFolder: home.updateFolder,
  deleteFolder: home.deleteFolder,
  fileWorkflow: home.fileWorkflow,

  listVersions: versions.listVersions,
  createVersion: versions.createVersion,
  renameVersion: versions.renameVersion,
  getVersion: versions.getVersion,
  restoreVersion: versions.restoreVersion,
  undoRestore: versions.undoRestore,
  listChanges: changes.listChanges,
  setMode: modes.setMode,
  getMode: modes.getMode,
  takePen: modes.takePen,
  requestPen: modes.requestPen,
  handOverPen: modes.handOverPen,
  releasePen: modes.releasePen,
  listWorkflowAudit: audit.listWorkflowAudit,
  listAudit: audit.listAudit,

  getInsights: insights.getInsights,
  createLink: links.createLink,
  listLinks: links.listLinks,
  revokeLink: links.revokeLink,
  previewLink: links.previewLink,
  joinLink: links.joinLink,

  listExecutions: executions.listExecutions,
  getExecution: executions.getExecution,
  getExecutionItems: executions.getExecutionItems,
  getExecutionBinary: executions.getExecutionBinary,
  getExecutionLogs: executions.getExecutionLogs,
  stopExecution: executions.stopExecution,
  retryExecution: executions.retryExecution,
  retryExecutions: executions.retryExecutions,
  deleteExecution: executions.deleteExecution,

  listCredentials: credentials.listCredentials,
  createCredential: credentials.createCredential,
  deleteCredential: credentials.deleteCredential,
  listCredentialGrants: credentials.listCredentialGrants,
  grantCredential: credentials.grantCredential,
  revokeCredentialGrant: credentials.revokeCredentialGrant,

  listNodes: nodes.listNodes,
  getNode: nodes.getNode,

  listTemplates: templates.listTemplates,
  getTemplate: templates.getTemplate,
  getTemplatePicture: templates.getTemplatePicture,
  saveTemplate: templates.saveTemplate,
  deleteTemplate: templates.deleteTemplate,
  useTemplate: templates.useTemplate,

  listUsers: admin.listUsers,
  createUser: admin.createUser,
  disableUser: admin.disableUser,
  enableUser: admin.enableUser,
  makeAdmin: admin.makeAdmin,
  removeAdmin: admin.removeAdmin,
  getMetrics: admin.getMetrics,

  getOpenApiDocument: meta.getOpenApiDocument,
} as const;

export type ApiRoutes = typeof apiRoutes;
export type ApiRouteName = keyof ApiRoutes;

export { activationSchema, importedWorkflowSchema, importWorkflowBody } from './workflows.ts';
export { nodeListQuery } from './nodes.ts';
