import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as video from './actions/video';

export class Hailuo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hailuo',
		name: 'hailuo',
		icon: { light: 'file:../../icons/hailuo.svg', dark: 'file:../../icons/hailuo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "getTask" ? "Get Task" : "Generate Video"}}',
		description: 'Animate images into videos with MiniMax Hailuo 2.3 through API in One',
		defaults: { name: 'Hailuo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'hailuoApi', required: true }],
		properties: video.description,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
