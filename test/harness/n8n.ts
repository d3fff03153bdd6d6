/**
 * Runs workflows through n8n-core's real execution engine (WorkflowExecute, the real request
 * helpers and binary-data store), with this package loaded from its `n8n` section as n8n loads it.
 * n8n's own node-test harness is not published, so this is the small part we write ourselves.
 */
import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';

import { PACKAGE_ROOT } from '../paths';
import { PACKAGE_NAME } from './workflows';

const START_TYPE = 'test.start';

export interface InputItem {
	json?: IDataObject;
	/** Binary fields: bytes with their declared MIME type and file name. */
	binary?: Record<string, { data: Buffer; mimeType: string; fileName: string }>;
}

/** The tests' own start node: emits the items a test gives it, binary included. */
function startNode(items: InputItem[]): INodeType {
	return {
		description: {
			displayName: 'Start',
			name: 'start',
			group: ['input'],
			version: 1,
			description: 'Emits test items',
			defaults: { name: 'Start' },
			inputs: [],
			outputs: ['main'],
			properties: [],
		} as unknown as INodeType['description'],
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const out: INodeExecutionData[] = [];
			for (const [index, item] of items.entries()) {
				const entry: INodeExecutionData = { json: item.json ?? {}, pairedItem: { item: index } };
				for (const [field, file] of Object.entries(item.binary ?? {})) {
					entry.binary ??= {};
					entry.binary[field] = await this.helpers.prepareBinaryData(
						file.data,
						file.fileName,
						file.mimeType,
					);
				}
				out.push(entry);
			}
			return [out];
		},
	};
}

class NodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(type: string) {
		const found = this.types[type];
		if (!found) throw new Error(`Unknown node type ${type}`);
		return found;
	}

	getByNameAndVersion(type: string, version?: number) {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** Plain credentials by type, with the generic `authenticate` block applied as n8n does. */
class CredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly loader: PackageDirectoryLoader,
	) {
		super();
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	) {
		const type = this.loader.credentialTypes[typeName]?.type;
		const auth = type?.authenticate;
		if (!auth || typeof auth === 'function' || auth.type !== 'generic') return requestOptions;
		const resolve = (value: unknown) =>
			typeof value === 'string' && value.startsWith('=')
				? value
						.slice(1)
						.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) =>
							String(credentials[key] ?? ''),
						)
				: value;
		const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
		for (const [name, value] of Object.entries(auth.properties.headers ?? {}))
			headers[name] = resolve(value) as string;
		return { ...requestOptions, headers };
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		const found = this.credentials[type];
		if (!found) throw new Error(`No test credentials of type ${type}`);
		return found;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return this.loader.credentialTypes[type]?.type.properties ?? [];
	}
}

export interface RunOptions {
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	items?: InputItem[];
	/** Called with the running execution, e.g. to cancel it. */
	onStart?: (execution: ReturnType<WorkflowExecute['run']>) => void;
	mode?: WorkflowExecuteMode;
	/** Where waiting executions are resumed (n8n's /webhook-waiting base). */
	webhookWaitingBaseUrl?: string;
	workflowId?: string;
	/** The workflow's static data as n8n would load it from the database. */
	staticData?: IDataObject;
	/** Load the package from this folder instead (a second copy acts as another n8n process). */
	packageRoot?: string;
}

export interface RunResult {
	run: IRun;
	/** The items a node put out on its first output (empty when it produced none). */
	output(nodeName?: string): INodeExecutionData[];
	/** The execution's error message, if it failed. */
	error?: { message: string; description?: string | null; node?: string };
}

const loaded = new Map<
	string,
	Promise<{
		loader: PackageDirectoryLoader;
		types: Record<string, INodeType | IVersionedNodeType>;
	}>
>();

let binaryDataReady: Promise<void> | undefined;

/** Loads the built package (dist/) through n8n's package loader, once per test file and folder. */
export async function loadPackage(packageRoot = PACKAGE_ROOT) {
	binaryDataReady ??= Container.get(BinaryDataService).init();
	await binaryDataReady;
	let found = loaded.get(packageRoot);
	if (!found) {
		found = (async () => {
			const loader = new PackageDirectoryLoader(packageRoot);
			await loader.loadAll();
			const types: Record<string, INodeType | IVersionedNodeType> = {};
			for (const [name, data] of Object.entries(loader.nodeTypes))
				types[`${PACKAGE_NAME}.${name}`] = data.type;
			return { loader, types };
		})();
		loaded.set(packageRoot, found);
	}
	return await found;
}

let executionCounter = 0;

/** The tests' start node, put before the nodes a test runs. */
const START_NODE: INode = {
	id: 'start',
	name: 'Start',
	type: START_TYPE,
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Everything one execution needs: the workflow (nodes chained in order) and n8n's additional data. */
export async function prepareExecution(nodes: INode[], options: RunOptions = {}) {
	const { loader, types } = await loadPackage(options.packageRoot);
	const nodeTypes = new NodeTypes({
		...types,
		[START_TYPE]: startNode(options.items ?? [{ json: {} }]),
	});
	const connections: Workflow['connectionsBySourceNode'] = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	const workflow = new Workflow({
		id: options.workflowId ?? 'test-workflow',
		name: 'Test',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
		staticData: options.staticData,
	});
	const executionId = String(++executionCounter);
	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: workflow.id,
		name: workflow.name,
		nodes,
		connections,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	const additionalData = {
		hooks,
		credentialsHelper: new CredentialsHelper(options.credentials ?? {}, loader),
		executionId,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		webhookWaitingBaseUrl: options.webhookWaitingBaseUrl ?? 'http://127.0.0.1:5678/webhook-waiting',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		variables: {},
		currentNodeExecutionIndex: 0,
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not used by these tests');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, additionalData, mode, executionId };
}

export function resultOf(run: IRun, nodes: INode[]): RunResult {
	const error = run.data.resultData.error;
	return {
		run,
		output(nodeName = nodes[nodes.length - 1].name) {
			const runs = run.data.resultData.runData[nodeName] ?? [];
			return runs[runs.length - 1]?.data?.main?.[0] ?? [];
		},
		error: error
			? {
					message: error.message,
					description: (error as { description?: string | null }).description,
					node: (error as { node?: INode }).node?.name,
				}
			: undefined,
	};
}

/** Start (emitting the test's items) followed by the given nodes. */
export const afterStart = (nodes: INode[]): INode[] => [START_NODE, ...nodes];

/** Runs Start → the given nodes in a chain, through the real engine. */
export async function runWorkflow(nodes: INode[], options: RunOptions = {}): Promise<RunResult> {
	const chain = afterStart(nodes);
	const { workflow, additionalData, mode } = await prepareExecution(chain, options);
	const execution = new WorkflowExecute(additionalData, mode).run({
		workflow,
		startNode: START_NODE,
	});
	options.onStart?.(execution);
	return resultOf(await execution, chain);
}

/** Reads an output binary back from n8n's binary-data store. */
export async function readBinary(item: INodeExecutionData, field = 'data'): Promise<Buffer> {
	const binary = item.binary?.[field];
	if (!binary) throw new Error(`No binary field ${field}`);
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}
