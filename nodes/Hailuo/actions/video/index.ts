import type { INodeProperties } from 'n8n-workflow';

import * as generateVideo from './generateVideo.operation';
import * as getTask from './getTask.operation';

export { generateVideo, getTask };

// A resource lets n8n name each operation by its action: in the nodes panel, for a node added from
// it, and as the tool description an AI Agent sees.
export const description: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'video',
		options: [{ name: 'Video', value: 'video' }],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'generateVideo',
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Generate Video',
				value: 'generateVideo',
				action: 'Generate a video from an image',
				description: 'Animate an image into a 6 or 10 second video with Hailuo 2.3',
			},
			{
				name: 'Get Task',
				value: 'getTask',
				action: 'Get the status and video URL of a video task',
				description: 'Read the state and result of a video task by its ID',
			},
		],
	},
	...generateVideo.description,
	...getTask.description,
];
