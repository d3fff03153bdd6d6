import type { INodeProperties } from 'n8n-workflow';

import * as generateVideo from './generateVideo.operation';
import * as getTask from './getTask.operation';

export { generateVideo, getTask };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'generateVideo',
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
				action: 'Get a video task',
				description: 'Read the state and result of a video task by its ID',
			},
		],
	},
	...generateVideo.description,
	...getTask.description,
];
